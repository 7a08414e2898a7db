"""An extension's forwarding numbers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, insert, update
from sqlalchemy.engine import RowMapping

from ringforward.domain.model import ForwardingNumber
from ringforward.store import tables as t
from ringforward.store.queries import Queries

_FIELDS = tuple(ForwardingNumber.__dataclass_fields__)


def _number(row: RowMapping) -> ForwardingNumber:
    # The id column is an integer; the domain's ids are strings, as on the wire.
    return ForwardingNumber(**{**{name: row[name] for name in _FIELDS}, "id": str(row["id"])})


def _values(number: ForwardingNumber) -> dict[str, Any]:
    return {**number.__dict__, "id": int(number.id)}


class NumberRepository(Queries):
    async def list_forwarding_numbers(self, extension_id: str) -> list[ForwardingNumber]:
        table = t.forwarding_numbers
        rows = await self._of_extension(table, extension_id, table.c.id)
        return [_number(row) for row in rows]

    async def insert_forwarding_number(self, number: ForwardingNumber) -> None:
        await self._execute(insert(t.forwarding_numbers).values(**_values(number)))

    async def update_forwarding_number(self, number: ForwardingNumber) -> None:
        await self._execute(
            update(t.forwarding_numbers)
            .where(t.forwarding_numbers.c.id == int(number.id))
            .values(**_values(number))
        )

    async def delete_forwarding_numbers(self, extension_id: str, ids: Iterable[str]) -> None:
        await self._execute(
            delete(t.forwarding_numbers).where(
                t.forwarding_numbers.c.extension_id == extension_id,
                t.forwarding_numbers.c.id.in_([int(number_id) for number_id in ids]),
            )
        )
