"""Token digest → principal in process memory, so a request is authenticated without a
database round trip.

An entry is served only while the database's change stamp (``store.changes``) is the one
taken before the entry was read, and only until the token's expiry. Any committed write
changes the stamp: revoking a session, and any change to an extension (password, status,
admin flag, deletion), whether made by this process (seen before the write returns), by
another process on the same SQLite file (seen at its commit) or by another process or
host on PostgreSQL (seen when its notification arrives). When the stamp cannot be told,
nothing is served from memory.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

from ringforward.service.access import Principal
from ringforward.service.per_database import PerDatabase

DEFAULT_SIZE = 10_000


@dataclass(frozen=True)
class _Entry:
    stamp: Hashable
    principal: Principal
    expires_at: float


class PrincipalCache:
    """Least recently used principals, at most ``size`` of them."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._entries: OrderedDict[str, _Entry] = OrderedDict()

    def get(self, digest: str, stamp: Hashable, now: float) -> Principal | None:
        entry = self._entries.get(digest)
        if entry is None:
            return None
        if entry.stamp != stamp or entry.expires_at < now:
            # Stale or expired: the database decides (and says why it refuses).
            del self._entries[digest]
            return None
        self._entries.move_to_end(digest)
        return entry.principal

    def put(self, digest: str, stamp: Hashable, principal: Principal, expires_at: float) -> None:
        self._entries[digest] = _Entry(stamp, principal, expires_at)
        self._entries.move_to_end(digest)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


# The cache of a database in this process: ``principal_cache(db)``.
principal_cache = PerDatabase(PrincipalCache)
