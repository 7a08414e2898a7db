"""Id sequences: forwarding numbers, custom rules, accounts and extensions."""

from __future__ import annotations

from sqlalchemy import select, update

from ringforward.store import tables as t
from ringforward.store.queries import Queries


class SequenceRepository(Queries):
    async def next_id(self, sequence: str) -> int:
        row = await self._row(
            select(t.sequences.c.next_value).where(t.sequences.c.name == sequence).with_for_update()
        )
        value = int(row["next_value"]) if row else t.INITIAL_SEQUENCES[sequence]
        await self._execute(
            update(t.sequences).where(t.sequences.c.name == sequence).values(next_value=value + 1)
        )
        return value
