"""The frame of every extension use case: resolve the target, check access, lock, audit.

A use case on one extension takes an ``ExtensionCall`` (which extension, asked by whom,
on which database). ``async with editing(ext) as scope`` opens a write transaction (one
writer at a time: ``store.database.WriteGroup``), resolves the extension it names (404/403
as ``access`` rules) and hands out the repositories; ``reading`` does the same in a read
transaction.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import NamedTuple

from ringforward.domain.answering_rules import RuleContext
from ringforward.domain.comm_handling.model import id_parameter
from ringforward.domain.errors import not_found
from ringforward.domain.model import Account, AnsweringRule, Extension, ForwardingNumber
from ringforward.service.access import Principal, Target, resolve_target
from ringforward.store.audit import AuditRecord
from ringforward.store.comm_handling import StoredItem
from ringforward.store.database import Database
from ringforward.store.repositories import Repositories, stored


class ExtensionCall(NamedTuple):
    """What every use case on one extension starts from: the database, the caller, and
    the account and extension asked for (ids, or ``~`` for the caller's own)."""

    db: Database
    who: Principal
    account_id: str
    extension_id: str


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

    async def comm_item(self, kind: str, item_id: str) -> StoredItem:
        """A v2 item of the extension (state, state rule, interaction rule); 404 if none."""
        found = await self.repos.comm.item(self.extension.id, kind, item_id)
        if found is None:
            raise not_found(id_parameter(kind))
        return found

    async def rule_context(self) -> RuleContext:
        """What validating a rule of this extension needs to know about the account."""
        return RuleContext(
            extension_id=self.extension.id,
            forwarding_numbers=tuple(await self.forwarding_numbers()),
            account_extension_ids=await self.repos.extensions.extension_ids(self.account.id),
            region=self.account.country,
        )

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
        record = self.audit_record((resource_type, resource_id), version, (before, after))
        await self.repos.audit.insert_audit(record)

    def audit_record(
        self, resource: tuple[str, str], version: int, change: tuple[str | None, str | None]
    ) -> AuditRecord:
        """The record of a change (documents before and after) of a resource (type, id)
        of the extension, by the principal, now."""
        return AuditRecord(
            account_id=self.account.id,
            extension_id=self.extension.id,
            resource_type=resource[0],
            resource_id=resource[1],
            version=version,
            at=time.time(),
            actor=self.principal.extension_id,
            before=change[0],
            after=change[1],
        )

    async def record_trail_change(
        self, resource_type: str, resource_id: str, *, before: str | None, after: str | None
    ) -> None:
        """Audit a change of a resource without a version of its own (forwarding numbers,
        business hours): the change's version is its position in the resource's trail."""
        trail = await self.repos.audit.resource_trail(self.extension.id, resource_type, resource_id)
        await self.record_change(
            resource_type, resource_id, version=len(trail) + 1, before=before, after=after
        )


@asynccontextmanager
async def _scope(
    ext: ExtensionCall, *, writing: bool, content_only: bool = False
) -> AsyncIterator[Scope]:
    async with stored(ext.db, writing=writing, content_only=content_only) as repos:
        # A writer needs no lock of its own: this process's writers take turns in the write
        # group, and groups of all processes take turns on the database (store.database).
        target = await resolve_target(repos.extensions, ext.who, ext.account_id, ext.extension_id)
        yield Scope(ext.who, target, repos)


def reading(ext: ExtensionCall) -> AbstractAsyncContextManager[Scope]:
    return _scope(ext, writing=False)


def editing(
    ext: ExtensionCall, *, content_only: bool = False
) -> AbstractAsyncContextManager[Scope]:
    """A write on the extension; ``content_only`` when it changes its call handling and
    nothing else (no credential, extension or account), so that cached principals stay."""
    return _scope(ext, writing=True, content_only=content_only)
