"""What a rule's update reads, kept in memory while the database provably did not change.

A PUT of a rule reads its extension and account, the rule, the extension's forwarding
numbers and the account's extension ids, then writes the rule and its audit record. The
reads are kept here, per database, and used by ``remembering`` (the frame of the same
use case, ``service/answering_rules.py``) only while the write group says that nothing
but such updates of this process wrote since they were read (``WriteGroup.unchanged_since``,
asked during the writer's turn, so while the group holds the database's write lock: no
other process can commit meanwhile) and the structure stamp (``store/changes.py``, which
also sees a commit of a tool outside the service) is the one they were read under.
Otherwise everything kept is dropped and read again from the database.

Each update applies its own change to what is kept right after writing it, so the next
writer of the same group (the same transaction) reads the rule at the version it left.
When the group fails, it never counts as committed, so nothing kept during it is used
again. The two writes go to the driver itself (``store/raw_writes.py``), without a
savepoint: every check of the use case comes before them (see docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Hashable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TypeVar

from ringforward.domain.model import Account, AnsweringRule, Extension, ForwardingNumber
from ringforward.service.access import resolve_target
from ringforward.service.per_database import PerDatabase
from ringforward.service.scope import ExtensionCall, Scope
from ringforward.store.audit import AuditRecord
from ringforward.store.database import Database, GroupMark, UnitOfWork
from ringforward.store.extensions import ExtensionRepository
from ringforward.store.forwarding_numbers import NumberRepository
from ringforward.store.raw_writes import RawWrites
from ringforward.store.repositories import Repositories
from ringforward.store.rules import RuleRepository

# Entries kept of each kind; beyond that the kind is dropped whole and read again.
KEPT = 10_000


@dataclass
class RuleMemory:
    """The reads of rule updates, as of ``mark`` and ``stamp``."""

    mark: GroupMark | None = None
    stamp: Hashable | None = None
    targets: dict[str, tuple[Extension, Account]] = field(default_factory=dict)
    rules: dict[tuple[str, str], AnsweringRule] = field(default_factory=dict)
    numbers: dict[str, tuple[ForwardingNumber, ...]] = field(default_factory=dict)
    extension_ids: dict[str, frozenset[str]] = field(default_factory=dict)

    def clear(self) -> None:
        for kept in (self.targets, self.rules, self.numbers, self.extension_ids):
            kept.clear()


rule_memory = PerDatabase(RuleMemory)


def current_memory(db: Database) -> RuleMemory:
    """What is kept, emptied first unless the database is unchanged since (in a turn)."""
    memory = rule_memory(db)
    group = db.write_group
    stamp = db.changes.structure_stamp()
    if (
        stamp is None
        or memory.mark is None
        or memory.stamp != stamp
        or not group.unchanged_since(memory.mark)
    ):
        memory.clear()
    memory.mark, memory.stamp = group.mark(), stamp
    return memory


K = TypeVar("K")
V = TypeVar("V")


def _keep(kept: dict[K, V], key: K, value: V) -> None:
    if len(kept) >= KEPT:
        kept.clear()
    kept[key] = value


class _Extensions(ExtensionRepository):
    def __init__(self, uow: UnitOfWork, memory: RuleMemory) -> None:
        super().__init__(uow)
        self._memory = memory

    async def get_extension_and_account(
        self, extension_id: str
    ) -> tuple[Extension, Account] | None:
        found = self._memory.targets.get(extension_id)
        if found is None:
            found = await super().get_extension_and_account(extension_id)
            if found is not None:
                _keep(self._memory.targets, extension_id, found)
        return found

    async def extension_ids(self, account_id: str) -> frozenset[str]:
        found = self._memory.extension_ids.get(account_id)
        if found is None:
            found = await super().extension_ids(account_id)
            _keep(self._memory.extension_ids, account_id, found)
        return found


class _Numbers(NumberRepository):
    def __init__(self, uow: UnitOfWork, memory: RuleMemory) -> None:
        super().__init__(uow)
        self._memory = memory

    async def list_forwarding_numbers(self, extension_id: str) -> list[ForwardingNumber]:
        found = self._memory.numbers.get(extension_id)
        if found is None:
            found = tuple(await super().list_forwarding_numbers(extension_id))
            _keep(self._memory.numbers, extension_id, found)
        return list(found)


class _Rules(RuleRepository):
    def __init__(self, uow: UnitOfWork, memory: RuleMemory) -> None:
        super().__init__(uow)
        self._memory = memory

    async def get_rule(self, extension_id: str, rule_id: str) -> AnsweringRule | None:
        found = self._memory.rules.get((extension_id, rule_id))
        if found is None:
            found = await super().get_rule(extension_id, rule_id)
            if found is not None:
                _keep(self._memory.rules, (extension_id, rule_id), found)
        return found


class RememberedRepositories(Repositories):
    """The repositories of a write that reads from memory and writes on the driver."""

    def __init__(self, uow: UnitOfWork, memory: RuleMemory) -> None:
        super().__init__(uow)
        self._memory = memory
        self._writes = RawWrites(uow)
        self.extensions = _Extensions(uow, memory)
        self.numbers = _Numbers(uow, memory)
        self.rules = _Rules(uow, memory)

    async def save_rule_change(
        self, rule: AnsweringRule, previous_version: int, record: AuditRecord
    ) -> bool:
        key = (rule.extension_id, rule.id)
        # Forgotten first: if the statement fails, the group fails and nothing is kept.
        self._memory.rules.pop(key, None)
        if not await self._writes.save_rule_change(rule, previous_version, record):
            return False
        _keep(self._memory.rules, key, rule)
        return True


@asynccontextmanager
async def remembering(ext: ExtensionCall) -> AsyncIterator[Scope]:
    """``scope.editing(ext, content_only=True)`` for a rule's update, reading from memory
    what it can and writing without a savepoint."""
    async with ext.db.writing(content_only=True, savepoint=False) as uow:
        repos = RememberedRepositories(uow, current_memory(ext.db))
        target = await resolve_target(repos.extensions, ext.who, ext.account_id, ext.extension_id)
        yield Scope(ext.who, target, repos)
