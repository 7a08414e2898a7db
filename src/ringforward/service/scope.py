"""The frame of every extension use case: resolve the target, check access, lock, audit.

``async with editing(db, principal, account_ref, extension_ref) as scope`` opens a write
transaction (one writer at a time: ``store.database.WriteGroup``), resolves the extension
the path names (404/403 as ``access`` rules) and hands out the repositories; ``reading``
does the same in a read transaction.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass

from ringforward.domain.answering_rules import RuleContext
from ringforward.domain.errors import not_found
from ringforward.domain.model import Account, AnsweringRule, Extension, ForwardingNumber
from ringforward.service.access import Principal, Target, resolve_target
from ringforward.store.audit import AuditRecord
from ringforward.store.database import Database
from ringforward.store.repositories import Repositories, stored


@dataclass(frozen=True)
class Scope:
    """An extension the principal may act on, and the repositories of the transaction."""

    principal: Principal
    target: Target
    repos: Repositories

    @property
    def account(self) -> Account:
        return self.target.account

    @property
    def extension(self) -> Extension:
        return self.target.extension

    async def forwarding_numbers(self) -> list[ForwardingNumber]:
        return await self.repos.numbers.list_forwarding_numbers(self.extension.id)

    async def rule(self, rule_id: str) -> AnsweringRule:
        rule = await self.repos.rules.get_rule(self.extension.id, rule_id)
        if rule is None:
            raise not_found("ruleId")
        return rule

    async def rule_context(self) -> RuleContext:
        """What validating a rule of this extension needs to know about the account."""
        return RuleContext(
            extension_id=self.extension.id,
            forwarding_numbers=tuple(await self.forwarding_numbers()),
            account_extension_ids=await self.repos.extensions.extension_ids(self.account.id),
            region=self.account.country,
        )

    async def next_version(self, resource_type: str, resource_id: str) -> int:
        """The version the next change of a resource without a version of its own makes
        (forwarding numbers, business hours): its position in the resource's trail."""
        trail = await self.repos.audit.resource_trail(self.extension.id, resource_type, resource_id)
        return len(trail) + 1

    async def record_change(
        self,
        resource_type: str,
        resource_id: str,
        *,
        version: int,
        before: str | None,
        after: str | None,
    ) -> None:
        """Audit one change in this transaction; ``before``/``after`` are stored documents."""
        await self.repos.audit.insert_audit(
            AuditRecord(
                account_id=self.account.id,
                extension_id=self.extension.id,
                resource_type=resource_type,
                resource_id=resource_id,
                version=version,
                at=time.time(),
                actor=self.principal.extension_id,
                before=before,
                after=after,
            )
        )


@asynccontextmanager
async def _scope(
    db: Database, principal: Principal, account_ref: str, extension_ref: str, *, writing: bool
) -> AsyncIterator[Scope]:
    async with stored(db, writing=writing) as repos:
        # A writer needs no lock of its own: this process's writers take turns in the write
        # group, and groups of all processes take turns on the database (store.database).
        target = await resolve_target(repos.extensions, principal, account_ref, extension_ref)
        yield Scope(principal, target, repos)


def reading(
    db: Database, principal: Principal, account_ref: str, extension_ref: str
) -> AbstractAsyncContextManager[Scope]:
    return _scope(db, principal, account_ref, extension_ref, writing=False)


def editing(
    db: Database, principal: Principal, account_ref: str, extension_ref: str
) -> AbstractAsyncContextManager[Scope]:
    return _scope(db, principal, account_ref, extension_ref, writing=True)
