"""SQLite for SQLAlchemy's asyncio engine without a thread hand-off per call.

aiosqlite runs every call of a connection (cursor, execute, fetch, close) on a thread of
its own, each a round trip through a queue, a future and the event loop's self-pipe, and
a wait for the GIL on both sides: about 0.3 ms of CPU for one small ``SELECT`` through
SQLAlchemy, against 0.01 ms for the statement itself. This connection answers
aiosqlite's interface (what SQLAlchemy's ``aiosqlite`` dialect calls) but runs on the
event loop's thread what cannot wait, and hands to a thread only what can:

- *waits for another process*: ``BEGIN IMMEDIATE`` (the write lock, up to
  ``busy_timeout``), and any statement outside a transaction that holds the write lock
  other than a read (a writer in a deferred transaction would wait for the lock);
- *waits for the disk*: ``COMMIT`` (the WAL's sync with ``synchronous=FULL``, and the
  checkpoint SQLite may run then), opening and closing the file.

A read never waits in WAL mode (readers do not block and are not blocked), and the
statements of a transaction that already holds the write lock only touch pages in
memory, so neither blocks the loop for longer than its own CPU time. Calls on one
connection never overlap: SQLAlchemy issues them one after another.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")

# Statements that only read: safe on the loop whatever transaction the connection is in.
_READS = ("SELECT", "PRAGMA", "SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN")
_TAKES_WRITE_LOCK = ("BEGIN IMMEDIATE", "BEGIN EXCLUSIVE")


def _waits_elsewhere(statement: str, holds_write_lock: bool) -> bool:
    """Whether ``statement`` may wait for another process's lock or for the disk."""
    head = statement.lstrip()[:16].upper()
    if head.startswith((*_TAKES_WRITE_LOCK, "COMMIT", "END")):
        return True
    if holds_write_lock:
        return False
    # PRAGMA journal_mode=WAL, at connect, may need the lock too.
    return head.startswith("PRAGMA JOURNAL_MODE") or not head.startswith(_READS)


class InlineCursor:
    """aiosqlite's ``Cursor`` interface over a ``sqlite3`` cursor."""

    def __init__(self, connection: InlineConnection) -> None:
        self._connection = connection
        self._cursor = connection._conn.cursor()

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> InlineCursor:
        run = self._cursor.execute
        await self._connection._run(sql, run, sql, () if parameters is None else parameters)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> InlineCursor:
        await self._connection._run(sql, self._cursor.executemany, sql, parameters)
        return self

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(self._cursor.arraysize if size is None else size)

    async def close(self) -> None:
        self._cursor.close()

    def __getattr__(self, name: str) -> Any:
        # description, rowcount, lastrowid, arraysize: the sqlite3 cursor's own.
        return getattr(self._cursor, name)


class _Inline:
    """Stands in for aiosqlite's queue to its thread, which SQLAlchemy's dialect uses
    directly to set ``isolation_level``: the function runs at once."""

    @staticmethod
    def put_nowait(item: tuple[asyncio.Future[Any] | None, Callable[[], Any]]) -> None:
        future, function = item
        try:
            result = function()
        except BaseException as error:  # handed to whoever awaits it
            if future is not None:
                future.set_exception(error)
            return
        if future is not None:
            future.set_result(result)


class InlineConnection:
    """aiosqlite's ``Connection`` interface over a ``sqlite3`` connection."""

    _tx = _Inline()

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._conn = connection
        # SQLAlchemy's dialect tests this attribute before committing or rolling back.
        self._connection: sqlite3.Connection | None = connection
        self._holds_write_lock = False
        self._pending: asyncio.Future[Any] | None = None

    @property
    def sqlite3(self) -> sqlite3.Connection:
        """The connection underneath, for statements that never wait (``store/raw_writes``)."""
        return self._conn

    async def _run(self, sql: str, function: Callable[..., T], *args: Any) -> T:
        await self._settled()
        try:
            if not _waits_elsewhere(sql, self._holds_write_lock):
                return function(*args)
            return await self._in_thread(function, *args)
        finally:
            # Whether the lock is held now: what the connection says after the statement.
            self._holds_write_lock = self._conn.in_transaction and (
                self._holds_write_lock or sql.lstrip()[:16].upper().startswith(_TAKES_WRITE_LOCK)
            )

    async def _in_thread(self, function: Callable[..., T], *args: Any) -> T:
        # Shielded and remembered: a caller cancelled meanwhile leaves the call running,
        # and the connection's next call waits for it instead of overlapping it.
        self._pending = asyncio.ensure_future(asyncio.to_thread(function, *args))
        return await asyncio.shield(self._pending)

    async def _settled(self) -> None:
        pending = self._pending
        if pending is not None and not pending.done():
            await asyncio.wait([pending])

    def cursor(self) -> InlineCursor:
        return InlineCursor(self)

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> InlineCursor:
        cursor = self.cursor()
        return await cursor.execute(sql, parameters)

    async def commit(self) -> None:
        await self._settled()
        try:
            await self._in_thread(self._conn.commit)
        finally:
            self._holds_write_lock = self._conn.in_transaction

    async def rollback(self) -> None:
        await self._settled()
        self._conn.rollback()
        self._holds_write_lock = False

    async def close(self) -> None:
        await self._settled()
        connection, self._connection = self._connection, None
        if connection is not None:
            await self._in_thread(connection.close)

    def stop(self) -> None:
        """Close at once (SQLAlchemy's ``terminate``, e.g. from garbage collection)."""
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        # isolation_level, in_transaction: the sqlite3 connection's own.
        return getattr(self._conn, name)


async def connect(database: str, **kwargs: Any) -> InlineConnection:
    """Open ``database`` (what SQLAlchemy's ``async_creator`` is given)."""
    kwargs["check_same_thread"] = False  # the loop's thread and commit's thread take turns

    def open_file() -> sqlite3.Connection:
        opened: sqlite3.Connection = sqlite3.connect(database, **kwargs)
        return opened

    return InlineConnection(await asyncio.to_thread(open_file))
