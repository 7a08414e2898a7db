"""What this process keeps for each database it serves (caches): made on first use, and
let go with the database object."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar
from weakref import WeakKeyDictionary

from ringforward.store.database import Database

T = TypeVar("T")


class PerDatabase(Generic[T]):
    """``kept(db)`` is the one ``T`` of ``db`` in this process."""

    def __init__(self, make: Callable[[], T]) -> None:
        self._make = make
        self._kept: WeakKeyDictionary[Database, T] = WeakKeyDictionary()

    def __call__(self, db: Database) -> T:
        kept = self._kept.get(db)
        if kept is None:
            kept = self._kept[db] = self._make()
        return kept

    def replace(self, db: Database, value: T) -> None:
        """Keep ``value`` for ``db`` from now on."""
        self._kept[db] = value
