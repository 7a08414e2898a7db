"""Engines, migrations and the unit of work (one transaction per use case)."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from ringforward.domain.errors import DomainError
from ringforward.store import sqlite_inline
from ringforward.store.changes import CHANNEL, ChangeWatch

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
        # Enough kept connections for every concurrent request of a busy process: beyond
        # pool_size each request opened (and closed) a connection of its own, and a new
        # PostgreSQL backend costs milliseconds of CPU on both sides.
        return create_async_engine(
            url, pool_size=32, max_overflow=32, pool_pre_ping=True, hide_parameters=True
        )
    path = make_url(url).database
    if path and path != ":memory:":
        Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(
        url,
        poolclass=NullPool if not path else None,
        hide_parameters=True,
        async_creator=partial(sqlite_inline.connect, path or ":memory:"),
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


class DeferredWrites(Protocol):
    """Writes that a group's writers hand over instead of running them during their
    turns, sent all together later (``WriteGroup.defer``)."""

    def __init__(self) -> None: ...

    def add(self, write: Any) -> bool:
        """Take ``write``; False if it cannot be made (then nothing of it is kept)."""
        ...

    async def send(self, connection: AsyncConnection) -> None:
        """Run every write taken, in order, in the group's transaction; raise if any of
        them did not change what it was to change."""
        ...


D = TypeVar("D", bound=DeferredWrites)


class UnitOfWork:
    """One database transaction; commits only when the use case says so.

    A reading unit of work is a transaction of its own. A writing one is a savepoint in
    the transaction its process's write group shares (``WriteGroup``): it leaves the
    block only once that transaction is durably committed, or with the error that kept
    it from being so; if the block raises, its own statements are rolled back and the
    error goes on at once.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        group: WriteGroup | None = None,
        content_only: bool = False,
        savepoint: bool = True,
    ) -> None:
        self._engine = engine
        self._group = group
        self._content_only = content_only
        self._savepoint = savepoint
        self._connection: AsyncConnection | None = None

    @property
    def connection(self) -> AsyncConnection:
        if self._connection is None:
            raise RuntimeError("unit of work used outside its 'async with' block")
        return self._connection

    @property
    def dialect(self) -> str:
        return self._engine.dialect.name

    async def sent(self) -> AsyncConnection:
        """The connection, once the writes its group deferred are sent: a statement run
        on it comes after them and sees them (``WriteGroup.defer``)."""
        if self._group is not None:
            await self._group.send_deferred()
        return self.connection

    def defer(self, kind: type[D], write: Any) -> bool:
        """Hand ``write`` to the group's batch of ``kind`` (``WriteGroup.defer``)."""
        if self._group is None:
            raise RuntimeError("only a write group defers writes")
        return self._group.defer(kind, write)

    async def __aenter__(self) -> UnitOfWork:
        if self._group is not None:
            self._connection = await self._group.join(
                content_only=self._content_only, savepoint=self._savepoint
            )
            return self
        connection = await self._engine.connect()
        try:
            await connection.begin()
        except BaseException:
            await connection.close()
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
        self._connection = None
        if self._group is not None:
            # Without a savepoint, only a refusal (a domain error, raised before any
            # statement that writes) leaves the group's transaction as it was.
            await self._group.leave(
                succeeded=exc_type is None,
                savepoint=self._savepoint,
                untouched=exc is None or isinstance(exc, DomainError),
            )
            return
        try:
            await connection.rollback()
        finally:
            await connection.close()


class WriteGroup:
    """Group commit: this process's concurrent writes share one transaction and one commit.

    Writers take turns on one connection (first come, first served). The first of a group
    begins the transaction and so waits for the groups of other processes to end
    (``BEGIN IMMEDIATE`` on SQLite, an advisory lock on PostgreSQL): writers never run
    side by side, so concurrent edits of one extension are serialised and no two
    transactions can deadlock on each other's row locks. Each writer runs inside a
    savepoint of it, released when its block ends cleanly and rolled back when it raises,
    so a refused write leaves nothing and takes nothing of the others with it. After its
    turn a writer waits for the group's commit, which runs once every writer already
    queued has had its turn: one commit, one sync of the log (SQLite's WAL with
    ``synchronous=FULL``, PostgreSQL's WAL) for all of them. Only when that commit has
    returned does any of them return, so a write is acknowledged only once it is durable;
    if the commit fails, every write of the group gets the error and none is kept.

    A writer may also take its turn without a savepoint (``savepoint=False``): one that
    checks everything before it writes, so that the only way it can fail after writing
    is a statement's own error. Such a failure abandons the whole group (nothing of it
    was acknowledged, nothing is kept); a refusal before any write leaves it as it was.

    Every group numbers itself in the database as it begins (``_number_group``): the
    number is one more than that of the last group, of any process, that committed. So a
    process whose group gets the number after its own last committed group's knows that
    nobody else wrote in between (``unchanged_since``), which is what lets what it keeps
    in memory about the database be used without reading it again.

    A writer without a savepoint may also ``defer`` its writes: they are kept in a batch
    of the group and sent, all at once, just before the group commits, or before any
    other statement runs on its connection (``send_deferred``, which ``UnitOfWork.sent``
    and the turn of every writer with a savepoint call first), so every statement still runs
    after the writes of the writers before it. If sending them fails (one of them found
    the database other than its writer saw it), the whole group fails.
    """

    def __init__(self, engine: AsyncEngine, changes: ChangeWatch) -> None:
        self._engine = engine
        self._changes = changes
        self._turn = asyncio.Lock()
        self._connection: AsyncConnection | None = None
        # PostgreSQL: the connection of the last group that committed, for the next one.
        self._kept: AsyncConnection | None = None
        # Writers whose savepoint was released, waiting for the group's commit.
        self._members: list[asyncio.Future[None]] = []
        self._committer: asyncio.Task[None] | None = None
        # Whether a writer of the group may have changed more than call handling.
        self._structure = False
        # This process's groups, counted; the database's number of the open one; the
        # last one that committed; the writers that took a savepoint, counted.
        self._serial = 0
        self._number = 0
        self._last_committed: tuple[int, int] | None = None
        self._savepoint_writers = 0
        # The open group's deferred writes, by kind; whether the writer whose turn it is
        # deferred any; what made sending them fail, which fails the group.
        self._deferred: dict[type[DeferredWrites], DeferredWrites] = {}
        self._turn_deferred = False
        self._broken: BaseException | None = None

    def mark(self) -> GroupMark:
        """Where the open group stands (during a turn)."""
        return GroupMark(self._serial, self._number, self._savepoint_writers)

    def unchanged_since(self, mark: GroupMark) -> bool:
        """Whether only writers without a savepoint wrote since ``mark`` (during a turn):
        in the same group, or in this process's group that committed right before this
        one, with no group of anybody else's committed in between."""
        if mark.savepoint_writers != self._savepoint_writers:
            return False
        if mark.serial == self._serial:
            return True
        return self._last_committed == (mark.serial, mark.number) and (
            self._number == mark.number + 1
        )

    async def join(self, *, content_only: bool = False, savepoint: bool = True) -> AsyncConnection:
        """Wait for this writer's turn; a savepoint of the group's transaction is open
        unless ``savepoint`` is False.

        ``content_only``: the writer changes call handling only (rules, numbers, hours),
        never credentials, extensions or accounts (``ChangeWatch.structure_stamp``)."""
        await self._turn.acquire()
        try:
            self._structure = self._structure or not content_only
            if self._connection is None:
                begun: tuple[AsyncConnection, int] | None = None
                kept, self._kept = self._kept, None
                if kept is not None:
                    # The kept connection may have died while idle (the server restarted):
                    # nothing of the group was done then, so it begins again on a
                    # connection that the pool checks first.
                    with contextlib.suppress(Exception):
                        begun = await self._begin(kept)
                if begun is None:
                    begun = await self._begin(await self._engine.connect())
                self._connection, self._number = begun
                self._serial += 1
            self._turn_deferred = False
            if savepoint:
                self._savepoint_writers += 1
                # Sent first: rolling back to the savepoint must not take them along.
                await self.send_deferred()
                await self._connection.exec_driver_sql(f"SAVEPOINT {_SAVEPOINT}")
        except BaseException as error:
            await self._abandon(error)
            self._turn.release()
            raise
        return self._connection

    def defer(self, kind: type[D], write: Any) -> bool:
        """Add ``write`` to the open group's batch of ``kind`` (during a turn of a writer
        without a savepoint): it runs when the batch is sent (``send_deferred``), and
        the group commits only if it did what it was to do."""
        batch = self._deferred.get(kind)
        if batch is None:
            batch = self._deferred[kind] = kind()
        added = batch.add(write)
        self._turn_deferred = self._turn_deferred or added
        return added

    async def send_deferred(self) -> None:
        """Run the writes deferred so far (during a turn, or at the commit)."""
        if not self._deferred:
            return
        assert self._connection is not None, "deferred writes outside a group"
        batches, self._deferred = list(self._deferred.values()), {}
        try:
            await _send(batches, self._connection)
        except BaseException as error:
            # Whatever the writer whose turn it is does about it, nothing of the group
            # may be committed now.
            self._broken = error
            raise

    async def _begin(self, connection: AsyncConnection) -> tuple[AsyncConnection, int]:
        """Begin a group on ``connection`` and number it; closed if that fails."""
        try:
            connection = await connection.execution_options(writing=True)
            await connection.begin()
            if connection.dialect.name == "postgresql":
                # One round trip: groups of all processes take turns, as SQLite's BEGIN
                # IMMEDIATE makes them (no two hold row locks at once, so none deadlock),
                # the group is numbered, and the change notification is queued, delivered
                # to the listeners only when (and if) the group commits.
                number = await _turn_on_postgresql(connection, self._changes)
            else:
                number = await _number_group(connection)
        except BaseException:
            await connection.close()
            raise
        return connection, number

    async def close(self) -> None:
        """Give back the connection kept between groups (at shutdown)."""
        kept, self._kept = self._kept, None
        if kept is not None:
            # One that died while idle has nothing left to give back.
            with contextlib.suppress(Exception):
                await kept.close()

    async def leave(
        self, *, succeeded: bool, savepoint: bool = True, untouched: bool = True
    ) -> None:
        """End this writer's turn; when it succeeded, return once its commit is durable.
        A writer without a savepoint that failed says whether it left the transaction
        ``untouched``; if not, the group is abandoned."""
        # A write it deferred would be committed with the group: it did touch it.
        untouched = untouched and not self._turn_deferred
        # Shielded: a writer cancelled now (its client gone) still ends its turn whole, so
        # the group's transaction is never left half way through a savepoint, and its write
        # is committed, or not, with the group.
        if not savepoint and (succeeded or untouched):
            # No statement to run: the turn ends at once, nothing can cut it short.
            member = self._end_plain_turn(succeeded=succeeded)
        else:
            turn = self._end_turn(succeeded=succeeded, savepoint=savepoint, untouched=untouched)
            member = await asyncio.shield(turn)
        if member is not None:
            await asyncio.shield(member)

    async def _end_turn(
        self, *, succeeded: bool, savepoint: bool, untouched: bool
    ) -> asyncio.Future[None] | None:
        connection = self._connection
        assert connection is not None, "leave() without join()"
        member: asyncio.Future[None] | None = None
        try:
            if succeeded:
                if savepoint:
                    await connection.exec_driver_sql(f"RELEASE SAVEPOINT {_SAVEPOINT}")
                member = asyncio.get_running_loop().create_future()
                self._members.append(member)
            elif savepoint:
                await connection.exec_driver_sql(f"ROLLBACK TO SAVEPOINT {_SAVEPOINT}")
                await connection.exec_driver_sql(f"RELEASE SAVEPOINT {_SAVEPOINT}")
            elif not untouched:
                await self._abandon()
        except BaseException as error:
            # The transaction can no longer be trusted: nobody of the group is kept.
            await self._abandon(error)
            raise
        finally:
            self._pass_turn()
        return member

    def _end_plain_turn(self, *, succeeded: bool) -> asyncio.Future[None] | None:
        member: asyncio.Future[None] | None = None
        if succeeded:
            member = asyncio.get_running_loop().create_future()
            self._members.append(member)
        self._pass_turn()
        return member

    def _pass_turn(self) -> None:
        """Let the next writer (or the group's commit) have the connection."""
        if self._connection is not None and self._committer is None:
            self._committer = asyncio.create_task(self._commit())
        self._turn.release()

    async def _commit(self) -> None:
        """Commit the group once every writer queued before this point had its turn."""
        async with self._turn:
            self._committer = None
            connection, self._connection = self._connection, None
            members, self._members = self._members, []
            if connection is None:
                return
            failure: BaseException | None = None
            group = (self._serial, self._number)
            structure, self._structure = self._structure, False
            before = self._changes.before_commit() if members else None
            broken, self._broken = self._broken, None
            deferred, self._deferred = list(self._deferred.values()), {}
            try:
                if broken is not None:
                    raise broken
                if members:
                    await _send(deferred, connection)
                    await connection.commit()
                    self._last_committed = group
                else:
                    await connection.rollback()
            except BaseException as error:  # handed to every member
                failure = error
            if members:
                # Even a failed commit may have reached the disk: caches must read again.
                # A failed commit accounts for no change of the header: whatever moved
                # it meanwhile was someone else's.
                self._changes.committed(
                    structure=structure, before=before if failure is None else None
                )
            _settle(members, failure)
            if failure is None and connection.dialect.name == "postgresql":
                # Kept for the next group: taken from the pool it would first be pinged,
                # three round trips per group.
                self._kept = connection
            else:
                await _close_quietly(connection)
            if isinstance(failure, asyncio.CancelledError):
                raise failure

    async def _abandon(self, error: BaseException | None = None) -> None:
        """Roll the group's transaction back and fail every writer waiting on it."""
        self._structure = False
        self._deferred, self._broken = {}, None
        connection, self._connection = self._connection, None
        members, self._members = self._members, []
        lost = RuntimeError("the write group's transaction was lost")
        # Another writer's cancellation is not this writer's: it gets an error of its own.
        _settle(
            members, lost if error is None or isinstance(error, asyncio.CancelledError) else error
        )
        if connection is not None:
            await _close_quietly(connection, rollback=True)


@dataclass(frozen=True)
class GroupMark:
    """A moment in this process's write groups (``WriteGroup.mark``)."""

    serial: int
    number: int
    savepoint_writers: int


_SAVEPOINT = "ringforward_write"
# The row of ``sequences`` that numbers write groups.
_GROUP_SEQUENCE = "write_group"
_NEXT_GROUP_WHERE = (
    f"UPDATE sequences SET next_value = next_value + 1 WHERE name = '{_GROUP_SEQUENCE}'"
)
_RETURNING = "RETURNING next_value"
_NEXT_GROUP = f"{_NEXT_GROUP_WHERE} {_RETURNING}"
_FIRST_GROUP = f"INSERT INTO sequences (name, next_value) VALUES ('{_GROUP_SEQUENCE}', 1)"


async def _number_group(connection: AsyncConnection) -> int:
    """Number the group that ``connection``'s transaction is (its lock held): rolled back
    with it, so committed groups are numbered one after another."""
    number = (await connection.exec_driver_sql(_NEXT_GROUP)).scalar()
    if number is None:
        await connection.exec_driver_sql(_FIRST_GROUP)
        return 1
    return int(number)


# The PostgreSQL advisory lock every write group holds until it commits ("rfwg").
_GROUP_LOCK = 0x72667767


async def _turn_on_postgresql(connection: AsyncConnection, changes: ChangeWatch) -> int:
    """Take the groups' lock, queue the change notification and number the group, in one
    statement. The lock is a one-time filter, taken before the row is read; the row read
    is then the statement's snapshot's, but an UPDATE of a row that a group committed
    meanwhile goes on with its newest version (READ COMMITTED), so the number still
    follows the last committed group's."""
    # The origin is hex digits only.
    notify = f"pg_notify('{CHANNEL}', '{changes.origin}')" if changes.notifies else "1"
    turn = f"SELECT {notify} FROM (SELECT pg_advisory_xact_lock({_GROUP_LOCK})) AS locked"
    number = (
        await connection.exec_driver_sql(
            f"{_NEXT_GROUP_WHERE} AND ({turn}) IS NOT NULL {_RETURNING}"
        )
    ).scalar()
    if number is None:  # the very first group: make sure of the lock, then number it
        await connection.exec_driver_sql(turn)
        return await _number_group(connection)
    return int(number)


async def _send(batches: list[DeferredWrites], connection: AsyncConnection) -> None:
    for batch in batches:
        await batch.send(connection)


async def _close_quietly(connection: AsyncConnection, *, rollback: bool = False) -> None:
    """Give a group's connection back, rolled back if asked. One that died (the server
    restarted, the backend was terminated) cannot even roll back: it is given back all
    the same, and the pool, finding it dead, discards it. Its writers have their answer
    already; nothing here may keep them from it."""
    with contextlib.suppress(Exception):
        try:
            if rollback:
                await connection.rollback()
        finally:
            await connection.close()


def _settle(members: list[asyncio.Future[None]], failure: BaseException | None) -> None:
    for member in members:
        if member.done():
            continue
        if failure is None:
            member.set_result(None)
        else:
            member.set_exception(failure)


class Database:
    """The service's handle on storage: an engine and units of work over it."""

    def __init__(self, url: str, *, host_directory: str | None = None) -> None:
        self.url = url
        self.engine = create_engine_for(url)
        self.changes = ChangeWatch(url, host_directory)
        # This process's writers take turns on one transaction and share its commit; on
        # SQLite that also keeps them from polling each other for the write lock
        # (busy_timeout), which gave multi-second tail latencies under load.
        self._writes = WriteGroup(self.engine, self.changes)

    def reading(self) -> UnitOfWork:
        return UnitOfWork(self.engine)

    def writing(self, *, content_only: bool = False, savepoint: bool = True) -> UnitOfWork:
        """A write; ``content_only`` when it changes call handling and nothing else;
        without a ``savepoint`` when it writes only once all its checks have passed."""
        return UnitOfWork(
            self.engine, group=self._writes, content_only=content_only, savepoint=savepoint
        )

    @property
    def write_group(self) -> WriteGroup:
        return self._writes

    async def dispose(self) -> None:
        await self.changes.stop()
        await self._writes.close()
        await self.engine.dispose()
