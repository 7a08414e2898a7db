"""A rule's update and its audit record, run on the database driver itself.

Through SQLAlchemy a statement costs far more CPU than the database spends on it (the
execution context, result rows, on SQLite its adapter of aiosqlite's interface); a
rule's save is run here on the connection underneath instead. On SQLite: two statements
on the ``sqlite3`` connection (on the event loop's thread: the write group's transaction
holds the write lock, so they wait for nothing, see ``store/sqlite_inline.py``). On
PostgreSQL a save is deferred to its write group (``WriteGroup.defer``): writers take
turns, so a round trip during a turn is time nobody else writes; the saves of a group
are sent at its end as one statement on the ``asyncpg`` connection, one round trip for
all of them. Same tables, same columns, same values as ``store/rules.py`` and
``store/audit.py`` write.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy.ext.asyncio import AsyncConnection

from ringforward.domain.model import AnsweringRule
from ringforward.store.audit import AuditRecord, audit_values
from ringforward.store.database import UnitOfWork
from ringforward.store.rules import rule_values
from ringforward.store.sqlite_inline import InlineConnection

_RULE_SET = ("type", "enabled", "version", "document")
_AUDIT = tuple(AuditRecord.__dataclass_fields__)
_RULE_WHERE = ("extension_id", "rule_id", "version")


def _each_is(names: tuple[str, ...], joint: str) -> str:
    return joint.join(f'"{name}" = ?' for name in names)


def _quoted(names: tuple[str, ...]) -> str:
    return ", ".join(f'"{name}"' for name in names)


_COLUMNS = _quoted(_AUDIT)
_SQLITE_UPDATE = (
    f"UPDATE answering_rules SET {_each_is(_RULE_SET, ', ')} WHERE {_each_is(_RULE_WHERE, ' AND ')}"
)
_SQLITE_INSERT = f"INSERT INTO audit_log ({_COLUMNS}) VALUES ({', '.join('?' for _ in _AUDIT)})"

# The PostgreSQL types of the batch's columns, each sent as one array: the rules' (the
# columns set, then the key and the version each save expects), then the audit records'.
_SAVED_TYPES = ("text", "boolean", "integer", "text", "text", "text", "integer")
_SAVED_NAMES = (*_RULE_SET, "extension_id", "rule_id", "previous")
_AUDIT_TYPES = (*("text",) * 4, "integer", "double precision", *("text",) * 3)


def _arrays(types: tuple[str, ...], first: int) -> str:
    return ", ".join(f"${n}::{kind}[]" for n, kind in enumerate(types, first))


# One statement for a group's saves: each rule set if it is still at the version its
# first save expected, every audit record inserted in order; it answers how many rules
# were set.
_POSTGRESQL_SAVES = (
    "WITH saved AS (UPDATE answering_rules AS r SET "
    + ", ".join(f'"{name}" = s."{name}"' for name in _RULE_SET)
    + f" FROM unnest({_arrays(_SAVED_TYPES, 1)}) AS s({_quoted(_SAVED_NAMES)})"
    " WHERE r.extension_id = s.extension_id AND r.rule_id = s.rule_id"
    " AND r.version = s.previous RETURNING 1),"
    f" audited AS (INSERT INTO audit_log ({_COLUMNS})"
    f" SELECT * FROM unnest({_arrays(_AUDIT_TYPES, len(_SAVED_TYPES) + 1)}) RETURNING 1)"
    " SELECT count(*) FROM saved"
)

# The driver's connection under each of SQLAlchemy's: asked once per write group.
_DRIVERS: WeakKeyDictionary[AsyncConnection, Any] = WeakKeyDictionary()


async def _driver_connection(connection: AsyncConnection) -> Any:
    driver = _DRIVERS.get(connection)
    if driver is None:
        raw = (await connection.get_raw_connection()).driver_connection
        driver = raw.sqlite3 if isinstance(raw, InlineConnection) else raw
        _DRIVERS[connection] = driver
    return driver


class StaleSave(RuntimeError):
    """A deferred save found its rule at another version than its writer read."""


@dataclass(frozen=True)
class _RuleSave:
    key: tuple[str, str]
    previous_version: int
    rule_set: tuple[Any, ...]
    audit: tuple[Any, ...]

    @property
    def version(self) -> int:
        return int(self.rule_set[_RULE_SET.index("version")])


class RuleSaves:
    """The rule saves of a PostgreSQL write group, sent as one statement.

    Several saves of one rule in a group follow each other (each expects the version the
    one before left, or it is refused at once, as the database would have refused it):
    the rule is set once, to the last one's columns, if the database still has it at
    the version the first one expected. Each save's audit record is kept. A rule not at
    that version (changed by someone who took no turn in the groups) fails the group.
    """

    def __init__(self) -> None:
        # Per rule: the version its first save expects, and its last save.
        self._rules: dict[tuple[str, str], tuple[int, _RuleSave]] = {}
        self._audit: list[tuple[Any, ...]] = []

    def add(self, write: Any) -> bool:
        assert isinstance(write, _RuleSave)
        expected = write.previous_version
        pending = self._rules.get(write.key)
        if pending is not None:
            if pending[1].version != write.previous_version:
                return False
            expected = pending[0]
        self._rules[write.key] = (expected, write)
        self._audit.append(write.audit)
        return True

    async def send(self, connection: AsyncConnection) -> None:
        rows = [(*save.rule_set, *save.key, expected) for expected, save in self._rules.values()]
        columns = (*zip(*rows, strict=True), *zip(*self._audit, strict=True))
        driver = await _driver_connection(connection)
        saved = await driver.fetchval(_POSTGRESQL_SAVES, *columns)
        if saved != len(rows):
            raise StaleSave(
                f"{len(rows) - saved} of {len(rows)} answering rules changed since their"
                " writers read them; none of the write group's changes was kept"
            )


class RawWrites:
    """The writes of one rule save in a unit of work."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self._sqlite = uow.dialect == "sqlite"

    async def save_rule_change(
        self, rule: AnsweringRule, previous_version: int, record: AuditRecord
    ) -> bool:
        """Write ``rule`` and its audit record if nobody changed the rule since
        ``previous_version``; False (and nothing written) otherwise. On PostgreSQL the
        write is deferred: True means it goes out with the group, which fails if the
        database disagrees then."""
        values = rule_values(rule)
        audit = audit_values(record)
        rule_set = tuple(values[name] for name in _RULE_SET)
        audit_row = tuple(audit[name] for name in _AUDIT)
        if not self._sqlite:
            save = _RuleSave((rule.extension_id, rule.id), previous_version, rule_set, audit_row)
            return self._uow.defer(RuleSaves, save)
        driver = await _driver_connection(self._uow.connection)
        where = (rule.extension_id, rule.id, previous_version)
        if driver.execute(_SQLITE_UPDATE, (*rule_set, *where)).rowcount != 1:
            return False
        driver.execute(_SQLITE_INSERT, audit_row)
        return True
