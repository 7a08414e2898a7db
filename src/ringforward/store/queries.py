"""The statements every repository runs over its unit of work's connection."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Table, bindparam, select
from sqlalchemy.engine import CursorResult, RowMapping

from ringforward.store.database import UnitOfWork

Params = Mapping[str, Any] | None


@cache
def _extension_rows(table: Table, order_by: Any) -> Any:
    # Built once: a statement made per call costs more CPU than running it (its parts
    # coerced again, its cache key computed again); ``bindparam`` takes the values.
    return select(table).where(table.c.extension_id == bindparam("of_extension")).order_by(order_by)


class Queries:
    """Base of the per-aggregate repositories: rows stay in here, values go out.

    The statements of the hot paths are built once at import, with ``bindparam``s that
    ``params`` fill (see ``_extension_rows``). Each runs after the writes its write group
    deferred (``UnitOfWork.sent``), so a read sees them.
    """

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def _run(self, statement: Any, params: Params) -> CursorResult[Any]:
        connection = await self._uow.sent()
        result: CursorResult[Any] = await connection.execute(statement, params)
        return result

    async def _rows(self, statement: Any, params: Params = None) -> Sequence[RowMapping]:
        return (await self._run(statement, params)).mappings().all()

    async def _row(self, statement: Any, params: Params = None) -> RowMapping | None:
        return (await self._run(statement, params)).mappings().first()

    async def _of_extension(
        self, table: Table, extension_id: str, order_by: Any
    ) -> Sequence[RowMapping]:
        """The rows of ``table`` that belong to one extension, in ``order_by`` order."""
        return await self._rows(_extension_rows(table, order_by), {"of_extension": extension_id})

    async def _execute(self, statement: Any, params: Params = None) -> int:
        return int((await self._run(statement, params)).rowcount)
