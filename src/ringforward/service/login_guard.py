"""Slowing password guessing per account: a lock-out that grows with each wrong password.

It holds whether rate limits are on or off. Counts live in the server process (a restart
or another worker starts afresh); the Auth rate limit, which can be shared through Redis,
is the defence across workers.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from ringforward.domain.model import Extension

# Five wrong passwords in a row are free (typos); the sixth locks for 15 s, and every
# wrong password after a lock doubles it, up to 15 minutes. A right one clears the count.
FREE_FAILURES = 5
FIRST_LOCK = 15
MAX_LOCK = 15 * 60
# Failures older than this are forgotten, as is their lock once it is over.
FORGET_AFTER = 3600.0
MAX_ENTRIES = 10_000


@dataclass
class _Failures:
    count: int = 0
    last: float = 0.0
    locked_until: float = 0.0


class LoginGuard:
    """Wrong-password counts per login key (an extension, or the unknown name tried)."""

    def __init__(
        self, clock: Callable[[], float] = time.monotonic, *, max_entries: int = MAX_ENTRIES
    ) -> None:
        self._clock = clock
        self._max_entries = max_entries
        self._failures: dict[str, _Failures] = {}

    def retry_after(self, key: str) -> int:
        """Whole seconds until ``key`` may try again; 0 when it may now."""
        entry = self._failures.get(key)
        if entry is None:
            return 0
        return max(0, math.ceil(entry.locked_until - self._clock()))

    def failed(self, key: str) -> None:
        now = self._clock()
        entry = self._failures.get(key)
        if entry is None or now - entry.last > FORGET_AFTER:
            entry = _Failures()
            self._make_room()
            self._failures[key] = entry
        entry.count += 1
        entry.last = now
        if entry.count >= FREE_FAILURES:
            doublings = min(entry.count - FREE_FAILURES, 16)
            entry.locked_until = now + min(MAX_LOCK, FIRST_LOCK * 2**doublings)

    def succeeded(self, key: str) -> None:
        self._failures.pop(key, None)

    def size(self) -> int:
        return len(self._failures)

    def _make_room(self) -> None:
        if len(self._failures) < self._max_entries:
            return
        now = self._clock()
        for key, entry in list(self._failures.items()):
            if now - entry.last > FORGET_AFTER and entry.locked_until <= now:
                del self._failures[key]
        # Still full (a spray of names): drop the oldest; locked accounts go last.
        while len(self._failures) >= self._max_entries:
            oldest = min(
                self._failures,
                key=lambda k: (self._failures[k].locked_until > now, self._failures[k].last),
            )
            del self._failures[oldest]


def login_key(extension: Extension | None, name: str) -> str:
    """Whose count a sign-in adds to: the extension, however it was named (email or
    number), else the unknown name itself, so unknown names lock like real ones."""
    if extension is not None:
        return f"extension:{extension.id}"
    return f"unknown:{name.strip().lower()}"
