"""A rule's update and its audit record, run on the database driver itself.

Through SQLAlchemy a statement costs far more CPU than the database spends on it (the
execution context, result rows, on SQLite its adapter of aiosqlite's interface); the two
statements of a rule's save are run here on the connection underneath instead: the
``sqlite3`` connection (on the event loop's thread: the write group's transaction holds
the write lock, so they wait for nothing, see ``store/sqlite_inline.py``) or the
``asyncpg`` one. Same tables, same columns, same values as ``store/rules.py`` and
``store/audit.py`` write.
"""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy.ext.asyncio import AsyncConnection

from ringforward.domain.model import AnsweringRule
from ringforward.store.audit import AuditRecord, audit_values
from ringforward.store.rules import rule_values
from ringforward.store.sqlite_inline import InlineConnection

_RULE_SET = ("type", "enabled", "version", "document")
_AUDIT = tuple(AuditRecord.__dataclass_fields__)


def _statements(marker: Any) -> tuple[str, str]:
    """The UPDATE of a rule and the INSERT of an audit record, with ``marker(n)`` for the
    n-th parameter (counted from 1)."""
    assignments = ", ".join(f'"{name}" = {marker(n)}' for n, name in enumerate(_RULE_SET, 1))
    after = len(_RULE_SET)
    update = (
        f"UPDATE answering_rules SET {assignments} WHERE extension_id = {marker(after + 1)}"
        f" AND rule_id = {marker(after + 2)} AND version = {marker(after + 3)}"
    )
    columns = ", ".join(f'"{name}"' for name in _AUDIT)
    values = ", ".join(marker(n) for n in range(1, len(_AUDIT) + 1))
    return update, f"INSERT INTO audit_log ({columns}) VALUES ({values})"


_SQLITE = _statements(lambda _n: "?")
_POSTGRESQL = _statements(lambda n: f"${n}")


# The driver's connection under each of SQLAlchemy's: asked once per write group.
_DRIVERS: WeakKeyDictionary[AsyncConnection, Any] = WeakKeyDictionary()


class RawWrites:
    """The writes of one rule save on a unit of work's connection."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection
        self._sqlite = connection.dialect.name == "sqlite"

    async def _driver_connection(self) -> Any:
        driver = _DRIVERS.get(self._connection)
        if driver is None:
            raw = (await self._connection.get_raw_connection()).driver_connection
            driver = raw.sqlite3 if isinstance(raw, InlineConnection) else raw
            _DRIVERS[self._connection] = driver
        return driver

    async def update_rule(self, rule: AnsweringRule, *, previous_version: int) -> bool:
        """Write ``rule`` if nobody changed it since ``previous_version``; False otherwise."""
        values = rule_values(rule)
        parameters = (
            *(values[name] for name in _RULE_SET),
            rule.extension_id,
            rule.id,
            previous_version,
        )
        driver = await self._driver_connection()
        if self._sqlite:
            return int(driver.execute(_SQLITE[0], parameters).rowcount) == 1
        status: str = await driver.execute(_POSTGRESQL[0], *parameters)
        return status == "UPDATE 1"

    async def insert_audit(self, record: AuditRecord) -> None:
        values = audit_values(record)
        parameters = tuple(values[name] for name in _AUDIT)
        driver = await self._driver_connection()
        if self._sqlite:
            driver.execute(_SQLITE[1], parameters)
        else:
            await driver.execute(_POSTGRESQL[1], *parameters)
