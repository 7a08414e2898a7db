"""Reads and writes of an enhanced extension's call-handling documents and of generations."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select, update

from ringforward.store import tables as t
from ringforward.store.database import UnitOfWork

CALL_HANDLING_GENERATIONS = ("legacy", "enhanced")


@dataclass(frozen=True)
class StoredItem:
    """One stored v2 document: a state, a state rule or an interaction rule."""

    kind: str
    item_id: str
    position: int
    version: int
    document: dict[str, Any]


class CommRepository:
    """Queries over ``comm_handling`` and ``accounts.call_handling`` in one unit of work."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def generation(self, account_id: str) -> str:
        result = await self._uow.connection.execute(
            select(t.accounts.c.call_handling).where(t.accounts.c.id == account_id)
        )
        value = result.scalar()
        return str(value) if value else "legacy"

    async def set_generation(self, account_id: str, generation: str) -> None:
        await self._uow.connection.execute(
            update(t.accounts).where(t.accounts.c.id == account_id).values(call_handling=generation)
        )

    async def items(self, extension_id: str, kind: str) -> list[StoredItem]:
        result = await self._uow.connection.execute(
            select(t.comm_handling)
            .where(t.comm_handling.c.extension_id == extension_id, t.comm_handling.c.kind == kind)
            .order_by(t.comm_handling.c.position, t.comm_handling.c.item_id)
        )
        return [_item(row) for row in result.mappings().all()]

    async def item(self, extension_id: str, kind: str, item_id: str) -> StoredItem | None:
        result = await self._uow.connection.execute(
            select(t.comm_handling).where(
                t.comm_handling.c.extension_id == extension_id,
                t.comm_handling.c.kind == kind,
                t.comm_handling.c.item_id == item_id,
            )
        )
        row = result.mappings().first()
        return _item(row) if row else None

    async def insert(self, extension_id: str, item: StoredItem) -> None:
        await self._uow.connection.execute(
            insert(t.comm_handling).values(
                extension_id=extension_id,
                kind=item.kind,
                item_id=item.item_id,
                position=item.position,
                version=item.version,
                document=json.dumps(item.document, sort_keys=True),
            )
        )

    async def update(self, extension_id: str, item: StoredItem, *, previous_version: int) -> bool:
        result = await self._uow.connection.execute(
            update(t.comm_handling)
            .where(
                t.comm_handling.c.extension_id == extension_id,
                t.comm_handling.c.kind == item.kind,
                t.comm_handling.c.item_id == item.item_id,
                t.comm_handling.c.version == previous_version,
            )
            .values(version=item.version, document=json.dumps(item.document, sort_keys=True))
        )
        return int(result.rowcount) == 1

    async def delete(self, extension_id: str, kind: str, item_id: str) -> None:
        await self._uow.connection.execute(
            delete(t.comm_handling).where(
                t.comm_handling.c.extension_id == extension_id,
                t.comm_handling.c.kind == kind,
                t.comm_handling.c.item_id == item_id,
            )
        )


def _item(row: Any) -> StoredItem:
    return StoredItem(
        kind=row["kind"],
        item_id=row["item_id"],
        position=int(row["position"]),
        version=int(row["version"]),
        document=json.loads(row["document"]),
    )
