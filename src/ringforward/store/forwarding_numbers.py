"""An extension's forwarding numbers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import RowMapping

from ringforward.domain.model import ForwardingNumber
from ringforward.store import tables as t
from ringforward.store.queries import Queries


def _number(row: RowMapping) -> ForwardingNumber:
    return ForwardingNumber(
        id=str(row["id"]),
        extension_id=row["extension_id"],
        phone_number=row["phone_number"],
        label=row["label"],
        type=row["type"],
        flip_number=row["flip_number"],
        device_id=row["device_id"],
    )


def _values(number: ForwardingNumber) -> dict[str, Any]:
    # The id column is an integer; the domain's ids are strings, as on the wire.
    return {**number.__dict__, "id": int(number.id)}


class NumberRepository(Queries):
    async def list_forwarding_numbers(self, extension_id: str) -> list[ForwardingNumber]:
        rows = await self._rows(
            select(t.forwarding_numbers)
            .where(t.forwarding_numbers.c.extension_id == extension_id)
            .order_by(t.forwarding_numbers.c.id)
        )
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
