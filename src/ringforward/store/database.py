"""Engines, migrations and the unit of work (one transaction per use case)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import TracebackType
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

MIGRATIONS = Path(__file__).with_name("migrations")


def async_url(url: str) -> str:
    """The async-driver form of a user's URL (``sqlite:///x.db`` → ``sqlite+aiosqlite``)."""
    parsed = make_url(url)
    driver = parsed.drivername
    if driver in ("sqlite", "sqlite+pysqlite"):
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    elif driver in ("postgresql", "postgres", "postgresql+psycopg2", "postgresql+psycopg"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine_for(url: str) -> AsyncEngine:
    """An engine tuned for the backend: WAL and immediate write locks on SQLite."""
    url = async_url(url)
    # Statement parameters stay out of error messages (and so out of logs): they can hold
    # token digests, password hashes and the JWT signing secret.
    if not is_sqlite(url):
        return create_async_engine(
            url, pool_size=10, max_overflow=20, pool_pre_ping=True, hide_parameters=True
        )
    path = make_url(url).database
    if path and path != ":memory:":
        Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(
        url, poolclass=NullPool if not path else None, hide_parameters=True
    )
    _tune_sqlite(engine)
    return engine


def _tune_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take over transaction control from the driver so that BEGIN IMMEDIATE works.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # WAL: readers never block the writer, and a killed process loses no commit.
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL syncs the WAL at every commit, so an acknowledged change also survives a power
        # cut or kernel crash (NORMAL may lose the last commits then); it costs well under a
        # millisecond a write.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Writers take the write lock up front: a deferred transaction that later tries to
        # upgrade to a write lock fails at once instead of waiting (SQLITE_BUSY).
        writing = connection.get_execution_options().get("writing", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def _upgrade(url: str) -> None:
    command.upgrade(alembic_config(url), "head")


async def migrate(url: str) -> None:
    """Bring the database at ``url`` to the newest schema (env.py runs its own loop)."""
    await asyncio.to_thread(_upgrade, url)


class UnitOfWork:
    """One database transaction; commits only when the use case says so."""

    def __init__(
        self, engine: AsyncEngine, *, writing: bool, queue: asyncio.Lock | None = None
    ) -> None:
        self._engine = engine
        self._writing = writing
        self._queue = queue
        self._connection: AsyncConnection | None = None

    @property
    def connection(self) -> AsyncConnection:
        if self._connection is None:
            raise RuntimeError("unit of work used outside its 'async with' block")
        return self._connection

    @property
    def dialect(self) -> str:
        return self._engine.dialect.name

    async def __aenter__(self) -> UnitOfWork:
        if self._queue is not None:
            await self._queue.acquire()
        try:
            connection = await self._engine.connect()
            if self._writing:
                connection = await connection.execution_options(writing=True)
            await connection.begin()
        except BaseException:
            if self._queue is not None:
                self._queue.release()
            raise
        self._connection = connection
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        connection = self.connection
        try:
            if exc_type is None and self._writing:
                await connection.commit()
            else:
                await connection.rollback()
        finally:
            await connection.close()
            self._connection = None
            if self._queue is not None:
                self._queue.release()


class Database:
    """The service's handle on storage: an engine and units of work over it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine_for(url)
        # SQLite lets one writer in at a time, and waiting writers poll (busy_timeout), which
        # gives multi-second tail latencies under load; queueing this process's writers
        # first-come-first-served leaves only other processes to poll against.
        self._write_queue = asyncio.Lock() if is_sqlite(url) else None

    def reading(self) -> UnitOfWork:
        return UnitOfWork(self.engine, writing=False)

    def writing(self) -> UnitOfWork:
        return UnitOfWork(self.engine, writing=True, queue=self._write_queue)

    async def dispose(self) -> None:
        await self.engine.dispose()
