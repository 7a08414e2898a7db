"""The statements every repository runs over its unit of work's connection."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.engine import RowMapping

from ringforward.store.database import UnitOfWork


class Queries:
    """Base of the per-aggregate repositories: rows stay in here, values go out."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def _rows(self, statement: Any) -> Sequence[RowMapping]:
        result = await self._uow.connection.execute(statement)
        return result.mappings().all()

    async def _row(self, statement: Any) -> RowMapping | None:
        result = await self._uow.connection.execute(statement)
        return result.mappings().first()

    async def _of_extension(
        self, table: Table, extension_id: str, order_by: Any
    ) -> Sequence[RowMapping]:
        """The rows of ``table`` that belong to one extension, in ``order_by`` order."""
        return await self._rows(
            select(table).where(table.c.extension_id == extension_id).order_by(order_by)
        )

    async def _execute(self, statement: Any) -> int:
        result = await self._uow.connection.execute(statement)
        return int(result.rowcount)
