"""All repositories of one unit of work, and opening a unit of work with them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from ringforward.domain.model import AnsweringRule
from ringforward.store.audit import AuditRecord, AuditRepository
from ringforward.store.comm_handling import CommRepository
from ringforward.store.credentials import CredentialRepository
from ringforward.store.database import Database, UnitOfWork
from ringforward.store.devices import DeviceRepository
from ringforward.store.extensions import ExtensionRepository
from ringforward.store.forwarding_numbers import NumberRepository
from ringforward.store.rules import RuleRepository
from ringforward.store.sequences import SequenceRepository


class Repositories:
    """One repository per aggregate, all over the same transaction."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.extensions = ExtensionRepository(uow)
        self.rules = RuleRepository(uow)
        self.numbers = NumberRepository(uow)
        self.credentials = CredentialRepository(uow)
        self.audit = AuditRepository(uow)
        self.sequences = SequenceRepository(uow)
        self.devices = DeviceRepository(uow)
        self.comm = CommRepository(uow)

    async def save_rule_change(
        self, rule: AnsweringRule, previous_version: int, record: AuditRecord
    ) -> bool:
        """Write ``rule`` and its audit record if nobody changed the rule since
        ``previous_version``; False (and nothing written) otherwise."""
        if not await self.rules.update_rule(rule, previous_version=previous_version):
            return False
        await self.audit.insert_audit(record)
        return True


@asynccontextmanager
async def stored(
    db: Database, *, writing: bool, content_only: bool = False
) -> AsyncIterator[Repositories]:
    """A transaction with its repositories; a writer commits when the block ends cleanly
    (``content_only``: it changes call handling and nothing else, ``Database.writing``)."""
    async with db.writing(content_only=content_only) if writing else db.reading() as uow:
        yield Repositories(uow)
