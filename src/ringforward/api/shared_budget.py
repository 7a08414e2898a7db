"""Rate-limit budgets shared through Redis, reserved in chunks so that most requests cost
no round trip.

Each (group, identity) has one counter in Redis per window: a hash holding how many of
its requests are reserved (``n``) and when the window began (``w``), that expires with
the window. The window is fixed and starts at the identity's first request (so a burst
is not cut in two by a clock boundary). A process does not count each request there:
it reserves a *lease*, several requests at once, with one atomic script, and spends it
locally. The script never reserves beyond the limit, so however many processes share the
counter, no more than ``limit`` requests are accepted in a window.

How much a lease holds shrinks as the window fills: an eighth of what is still free, at
least one and at most ``MAX_LEASE``. So a request can be refused while other processes
still hold unused reservations, at most ``lease_bound(limit)`` each (none when the limit
is under 16: every lease is then a single request). A lease is also renewed when it is
older than ``LEASE_SECONDS``: its unused part is handed back in the same script call, so
the ``X-Rate-Limit-Remaining`` a process reports is what the shared counter said at most
that long ago, less the other processes' unused reservations. A process that found the
budget spent refuses locally, and looks again at most that often.
"""

from __future__ import annotations

import asyncio
import math
import time
from dataclasses import dataclass, field
from typing import Any, cast

from limits.aio.storage.redis.coredis import CoredisBridge

# What is still free, divided by this, is the next lease: small near the limit.
LEASE_SPREAD = 8
MAX_LEASE = 64
LEASE_SECONDS = 0.25
# Leases kept per process before those of finished windows are dropped.
KEPT_LEASES = 10_000

# KEYS[1] the counter; ARGV: limit, window in ms, unused requests handed back, the window
# they belong to ("" for none), spread, largest lease. Returns the requests granted, the
# count reserved after the grant, the milliseconds left in the window and the window's id.
RESERVE = """
local limit, window_ms = tonumber(ARGV[1]), tonumber(ARGV[2])
local back, back_window = tonumber(ARGV[3]), ARGV[4]
local spread, largest = tonumber(ARGV[5]), tonumber(ARGV[6])
local started = redis.call('HGET', KEYS[1], 'w')
if not started then
  local now = redis.call('TIME')
  started = now[1] .. '.' .. now[2]
  redis.call('HSET', KEYS[1], 'w', started, 'n', 0)
  redis.call('PEXPIRE', KEYS[1], window_ms)
elseif back > 0 and started == back_window then
  redis.call('HINCRBY', KEYS[1], 'n', -back)
end
local used = tonumber(redis.call('HGET', KEYS[1], 'n'))
local free = limit - used
local grant = 0
if free > 0 then
  grant = math.max(1, math.min(largest, math.floor(free / spread)))
  used = redis.call('HINCRBY', KEYS[1], 'n', grant)
end
return {grant, used, redis.call('PTTL', KEYS[1]), started}
"""


def lease_bound(limit: int) -> int:
    """The most a lease of a ``limit`` budget holds: what another process may keep unused."""
    return max(1, min(MAX_LEASE, limit // LEASE_SPREAD))


@dataclass
class Lease:
    """Requests reserved in Redis and not yet spent by this process."""

    left: int = 0
    reserved: int = 0  # the shared count after the last reservation
    window: str = ""
    ends: float = 0.0  # time.monotonic() when the window ends
    renew: float = 0.0  # time.monotonic() when the lease is renewed
    spent: bool = False  # the last reservation found the whole budget reserved
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


@dataclass(frozen=True)
class Spent:
    """The outcome of one request against a shared budget."""

    allowed: bool
    remaining: int
    seconds_left: float


class SharedBudgets:
    """Budgets per key in Redis, spent through leases (see the module's docstring)."""

    def __init__(self, bridge: CoredisBridge) -> None:
        self._bridge = bridge
        self._script = bridge.get_connection().register_script(RESERVE)
        self._leases: dict[str, Lease] = {}

    async def spend(self, key: str, limit: int, window: int) -> Spent:
        now = time.monotonic()
        lease = self._leases.get(key)
        if lease is None:
            lease = self._leases[key] = Lease()
            if len(self._leases) > KEPT_LEASES:
                self._forget_finished(now)
        if not _current(lease, now):
            async with lease.lock:  # one reservation at a time per key and process
                if not _current(lease, now):
                    await self._reserve(key, lease, limit, window)
        seconds_left = min(lease.ends - now, window)
        if lease.left > 0:
            lease.left -= 1
            return Spent(True, limit - lease.reserved + lease.left, seconds_left)
        return Spent(False, 0, seconds_left)

    async def _reserve(self, key: str, lease: Lease, limit: int, window: int) -> None:
        now = time.monotonic()
        back = lease.left if now < lease.ends else 0
        lease.left = 0
        args = (limit, window * 1000, back, lease.window, LEASE_SPREAD, MAX_LEASE)
        reply = await self._script.execute([self._bridge.prefixed_key(f"lease:{key}")], list(args))
        grant, reserved, millis, started = cast(list[Any], reply)
        lease.left, lease.reserved = int(grant), int(reserved)
        lease.window = started.decode() if isinstance(started, bytes) else str(started)
        lease.ends = now + max(int(millis), 0) / 1000
        lease.renew = now + LEASE_SECONDS
        # Refusals are answered locally too, until the next renewal looks again.
        lease.spent = lease.left == 0

    def _forget_finished(self, now: float) -> None:
        for key in [key for key, lease in self._leases.items() if lease.ends <= now]:
            del self._leases[key]


def shared_budgets(storage: object) -> SharedBudgets | None:
    """Leases over a ``limits`` Redis storage, which makes the connection from every URL
    form it accepts (TLS, sockets, sentinel, cluster) and knows the key prefix; None for
    any other storage (counted by ``limits`` itself)."""
    bridge = getattr(storage, "bridge", None)
    return SharedBudgets(bridge) if isinstance(bridge, CoredisBridge) else None


def _current(lease: Lease, now: float) -> bool:
    """Whether the lease answers this request without asking Redis."""
    return now < lease.renew and now < lease.ends and (lease.left > 0 or lease.spent)


def retry_seconds(spent: Spent) -> int:
    return max(1, math.ceil(spent.seconds_left))
