"""Whether the database may have changed since a moment: what in-memory caches check.

A cache takes a *stamp* before it reads the database and keeps it with what it read; the
entry may be served only while the current stamp is still equal. A stamp of ``None``
means "cannot tell": the caller must read the database.

- Writes of this process bump a local counter right after their commit, so they are seen
  by this process before the write returns.
- SQLite: every commit, by any process or tool, rewrites the header of the WAL index in
  the ``-shm`` file (SQLite's file format, "WAL-index format": the header holds a change
  counter, the last valid frame and the WAL salts). Reading those 48 bytes is one small
  read of shared memory, with no database round trip, and sees another process's commit
  as soon as it is made. Without a ``-shm`` file (no open connection, or not in WAL mode)
  the stamp is ``None``.
- PostgreSQL, same host: after its commit, every write transaction adds one to a counter
  in a small file named after the database URL in the temporary directory, which every
  process of the host on that database reads into its stamp; so a client that got a 2xx
  for a write reads it back on its next request, whichever worker answers it.
- PostgreSQL, other hosts: every writing transaction sends ``NOTIFY ringforward_changes`` (delivered
  at its commit, and only if it commits); each process listens on one connection and bumps
  a counter per notification. Other processes and hosts see a change once the notification
  arrives (measured in docs/architecture.md). Until the listener is connected, or after it
  is lost, the stamp is ``None``; a lost listener reconnects (retrying with a growing
  delay) and starts a new epoch, so nothing cached before the loss is served after it.

*Structure* (what authentication and the choice of API read: tokens, passwords,
extensions, accounts) has a stamp of its own, ``structure_stamp``, which this process's
writes change only when they may have touched it: a write that declares it changed call
handling only (``content_only``) leaves it alone. Writes of other processes cannot be
told apart, so any of them changes it: on SQLite, a change of the WAL-index header that
this process's own commit does not account for (its commit counter moves by exactly one
across the commit, read while the write lock was held and right after); on PostgreSQL, a
notification from another process or a step of the host's change counter that this
process did not make.

A request answered from memory takes both stamps with one read of the mark (``stamps``),
through a descriptor kept open (``store/shared_mark.py``): one ``pread`` and one
``fstat``, where each stamp used to open, read and close the file.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import logging
import os
import sys
import tempfile
from collections.abc import Hashable
from typing import Any

from sqlalchemy.engine import make_url

from ringforward.store.shared_mark import SharedMark

log = logging.getLogger("ringforward")

CHANNEL = "ringforward_changes"
_WAL_INDEX_HEADER = 48
# The WAL-index header's commit counter (``iChange``): a native-endian u32 at offset 8.
_COMMIT_COUNTER = slice(8, 12)
_HOST_COUNTER = 8
# Reconnecting a lost listener: first retry after 50 ms, then doubling up to 5 s.
_FIRST_RETRY = 0.05
_LAST_RETRY = 5.0
_CONNECT_TIMEOUT = 10.0


class ChangeWatch:
    def __init__(self, url: str, host_directory: str | None = None) -> None:
        parsed = make_url(url)
        self._sqlite = parsed.get_backend_name() == "sqlite"
        path = parsed.database if self._sqlite else None
        self._shm = SharedMark(
            f"{path}-shm" if path and path != ":memory:" else None, _WAL_INDEX_HEADER
        )
        self._url = url
        self._local = 0
        self._remote = 0
        # This process's commits that may have changed structure.
        self._structure = 0
        # Changes of other processes seen by the mark they leave (see structure_stamp).
        self._foreign = 0
        self._accounted: bytes | None = None
        # The mark before this process's commit in flight (SQLite), if one is.
        self._committing: bytes | None = None
        self._listener: Any = None
        self._reconnecting: asyncio.Task[None] | None = None
        self._stopped = False
        # Sent with this process's notifications, so its listener can skip its own writes
        # (already counted by ``committed``) instead of dropping every cached answer again.
        self.origin = os.urandom(8).hex()
        digest = hashlib.sha256(url.encode()).hexdigest()[:24]
        # Processes of one host share this directory; RINGFORWARD_CHANGES_DIR can name it.
        directory = (
            host_directory or os.environ.get("RINGFORWARD_CHANGES_DIR") or tempfile.gettempdir()
        )
        self._host_file = os.path.join(directory, f"ringforward-{digest}.changes")
        self._host = SharedMark(self._host_file, _HOST_COUNTER)

    @property
    def notifies(self) -> bool:
        """True when writing transactions must send the change notification."""
        return not self._sqlite

    def before_commit(self) -> bytes | None:
        """What a write group reads while it holds the write lock, just before committing."""
        self._committing = self._wal_index_header() if self._sqlite else None
        return self._committing

    def committed(self, *, structure: bool = True, before: bytes | None = None) -> None:
        """A write transaction of this process has just committed; ``structure``: it may
        have changed more than call handling; ``before``: ``before_commit()``'s mark."""
        self._committing = None
        self._local += 1
        if structure:
            self._structure += 1
        if self._sqlite:
            after = self._wal_index_header()
            ours = (
                before is not None
                and after is not None
                and before == self._accounted
                and _commit_count(after) == _commit_count(before) + 1
            )
        else:
            previous, after = self._step_host_counter()
            ours = previous is not None and previous == self._accounted
        if not ours:
            self._foreign += 1
        self._accounted = after

    def _step_host_counter(self) -> tuple[bytes | None, bytes | None]:
        """Add one to the host's change counter; its value before and after."""
        try:
            fd = os.open(self._host_file, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as error:
            log.warning("cannot mark a change in %s: %s", self._host_file, error)
            return None, None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            previous = os.pread(fd, _HOST_COUNTER, 0).ljust(_HOST_COUNTER, b"\0")
            after = (int.from_bytes(previous, "little") + 1).to_bytes(_HOST_COUNTER, "little")
            os.pwrite(fd, after, 0)
            return previous, after
        finally:
            os.close(fd)  # releases the lock

    def _mark(self) -> bytes | None:
        """The shared mark every process's commits move: one read, no database round
        trip; None when it cannot be told (or, on PostgreSQL, while not listening)."""
        if self._sqlite:
            return self._wal_index_header()
        if self._listener is None or self._listener.is_closed():
            return None
        counter = self._host.read()
        # No file yet: no process of this host has written since it was last made.
        return None if counter is None else counter.ljust(_HOST_COUNTER, b"\0")

    def stamps(self) -> tuple[Hashable | None, Hashable | None]:
        """``stamp()`` and ``structure_stamp()`` from one read of the shared mark: what a
        request answered from memory takes once, before anything is read."""
        mark = self._mark()
        return self._stamp_of(mark), self._structure_of(mark)

    def structure_stamp(self) -> Hashable | None:
        """Like ``stamp``, but unchanged by this process's content-only writes."""
        return self._structure_of(self._mark())

    def _structure_of(self, mark: bytes | None) -> Hashable | None:
        if mark is None:
            return None
        if mark != self._accounted and not self._own_commit_in_flight(mark):
            self._foreign += 1
            self._accounted = mark
        return (self._foreign, self._remote, self._structure)

    def _own_commit_in_flight(self, mark: bytes) -> bool:
        """Whether ``mark`` can only be this process's commit, not yet returned: no other
        process commits while this one holds the write lock, so one commit more than the
        mark read under that lock is this one (its writes are not acknowledged yet, so
        answering as before it is still right)."""
        before = self._committing
        return (
            before is not None
            and before == self._accounted
            and _commit_count(mark) == _commit_count(before) + 1
        )

    def stamp(self) -> Hashable | None:
        return self._stamp_of(self._mark())

    def _stamp_of(self, mark: bytes | None) -> Hashable | None:
        if mark is None:
            return None
        return (self._local, mark) if self._sqlite else (self._local, self._remote, mark)

    def _wal_index_header(self) -> bytes | None:
        header = self._shm.read()
        return header if header is not None and len(header) == _WAL_INDEX_HEADER else None

    async def start(self) -> None:
        """Listen for other processes' changes (PostgreSQL); nothing to do on SQLite."""
        if self._sqlite:
            return
        self._stopped = False
        if not await self._connect():
            self._reconnect_later()

    async def _connect(self) -> bool:
        import asyncpg

        url = make_url(self._url).set(drivername="postgresql")
        dsn = url.render_as_string(hide_password=False)
        listener = None
        try:
            listener = await asyncpg.connect(dsn, timeout=_CONNECT_TIMEOUT)
            await listener.add_listener(CHANNEL, self._notified)
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            # Without the listener every read goes to the database: slower, never stale.
            log.warning("change notifications unavailable: %s", error)
            if listener is not None:
                listener.terminate()
            return False
        if self._stopped:
            await listener.close()
            return True
        listener.add_termination_listener(self._lost)
        # Whatever was cached before this connection may have missed notifications (none
        # arrives while no listener is connected): a new epoch makes every entry stale.
        self._remote += 1
        self._listener = listener
        return True

    def _lost(self, connection: object) -> None:
        """The listening connection ended: the database restarted, or its backend was killed."""
        if self._listener is not connection:
            return  # closed by stop(), or an older connection
        self._listener = None
        log.warning("change notifications lost; reading the database until they are back")
        self._reconnect_later()

    def _reconnect_later(self) -> None:
        if self._stopped or (self._reconnecting is not None and not self._reconnecting.done()):
            return
        self._reconnecting = asyncio.get_running_loop().create_task(self._reconnect())

    async def _reconnect(self) -> None:
        delay = _FIRST_RETRY
        while not self._stopped and not await self._connect():
            await asyncio.sleep(delay)
            delay = min(delay * 2, _LAST_RETRY)
        if not self._stopped:
            log.warning("change notifications are back")

    def _notified(self, _connection: object, _pid: int, _channel: str, payload: str) -> None:
        if payload != self.origin:
            self._remote += 1

    async def stop(self) -> None:
        self._stopped = True
        reconnecting, self._reconnecting = self._reconnecting, None
        if reconnecting is not None:
            reconnecting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reconnecting
        listener, self._listener = self._listener, None
        if listener is not None:
            await listener.close()
        self._shm.close()
        self._host.close()


def _commit_count(header: bytes) -> int:
    return int.from_bytes(header[_COMMIT_COUNTER], sys.byteorder)
