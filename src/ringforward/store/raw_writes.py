"""A rule's update and its audit record, run on the database driver itself.

Through SQLAlchemy a statement costs far more CPU than the database spends on it (the
execution context, result rows, on SQLite its adapter of aiosqlite's interface); a
rule's save is run here on the connection underneath instead: two statements on the
``sqlite3`` connection (on the event loop's thread: the write group's transaction holds
the write lock, so they wait for nothing, see ``store/sqlite_inline.py``), one on the
``asyncpg`` one (one round trip: writers take turns, so a round trip is time nobody
else writes). Same tables, same columns, same values as ``store/rules.py`` and
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
# PostgreSQL cannot tell the type of a parameter in a SELECT list: named for each column
# whose type is not text.
_AUDIT_TYPES = {"version": "::integer", "at": "::double precision"}
_RULE_WHERE = ("extension_id", "rule_id", "version")


def _assignments(marker: Any) -> str:
    return ", ".join(f'"{name}" = {marker(n)}' for n, name in enumerate(_RULE_SET, 1))


def _rule_where(marker: Any) -> str:
    first = len(_RULE_SET) + 1
    return " AND ".join(f'"{name}" = {marker(n)}' for n, name in enumerate(_RULE_WHERE, first))


_COLUMNS = ", ".join(f'"{name}"' for name in _AUDIT)
_SQLITE_UPDATE = (
    f"UPDATE answering_rules SET {_assignments(lambda _n: '?')} WHERE {_rule_where(lambda _n: '?')}"
)
_SQLITE_INSERT = f"INSERT INTO audit_log ({_COLUMNS}) VALUES ({', '.join('?' for _ in _AUDIT)})"


def _pg(n: int) -> str:
    return f"${n}"


_FIRST_AUDIT = len(_RULE_SET) + len(_RULE_WHERE) + 1
# One statement, one round trip: the audit record is inserted only if the rule was.
_POSTGRESQL_SAVE = (
    f"WITH changed AS (UPDATE answering_rules SET {_assignments(_pg)}"
    f" WHERE {_rule_where(_pg)} RETURNING 1)"
    f" INSERT INTO audit_log ({_COLUMNS}) SELECT "
    + ", ".join(
        f"${n}{_AUDIT_TYPES.get(name, '::text')}" for n, name in enumerate(_AUDIT, _FIRST_AUDIT)
    )
    + " FROM changed"
)

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

    async def save_rule_change(
        self, rule: AnsweringRule, previous_version: int, record: AuditRecord
    ) -> bool:
        """Write ``rule`` and its audit record if nobody changed the rule since
        ``previous_version``; False (and nothing written) otherwise."""
        values = rule_values(rule)
        audit = audit_values(record)
        parameters = (
            *(values[name] for name in _RULE_SET),
            rule.extension_id,
            rule.id,
            previous_version,
        )
        driver = await self._driver_connection()
        if self._sqlite:
            if driver.execute(_SQLITE_UPDATE, parameters).rowcount != 1:
                return False
            driver.execute(_SQLITE_INSERT, tuple(audit[name] for name in _AUDIT))
            return True
        status: str = await driver.execute(
            _POSTGRESQL_SAVE, *parameters, *(audit[name] for name in _AUDIT)
        )
        return status == "INSERT 0 1"
