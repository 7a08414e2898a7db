"""Use cases for forwarding numbers: list, create, read, update, delete, bulk delete."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, replace
from typing import Any

from ringforward.domain.errors import invalid, missing, not_found
from ringforward.domain.forwarding_list import without_numbers
from ringforward.domain.forwarding_numbers import (
    NumberContext,
    new_forwarding_number,
    update_forwarding_number,
)
from ringforward.domain.model import ForwardingNumber
from ringforward.service.access import Principal, Target, resolve_target
from ringforward.service.audit import next_version, record_change
from ringforward.service.rules_store import save_rule
from ringforward.store.database import Database
from ringforward.store.repository import Repository


def number_document(number: ForwardingNumber | None) -> str | None:
    """The stored JSON of a number in the audit trail (None for "did not exist")."""
    return json.dumps(asdict(number), ensure_ascii=False) if number else None


async def _context(repo: Repository, target: Target) -> NumberContext:
    return NumberContext(
        extension_id=target.extension.id,
        existing=await repo.list_forwarding_numbers(target.extension.id),
        account_direct_numbers=await repo.account_direct_numbers(target.account.id),
        region=target.account.country,
    )


def _find(numbers: Sequence[ForwardingNumber], number_id: str) -> ForwardingNumber:
    for number in numbers:
        if number.id == number_id:
            return number
    raise not_found("forwardingNumberId")


async def list_forwarding_numbers(
    db: Database, principal: Principal, account_ref: str, extension_ref: str
) -> tuple[Target, list[ForwardingNumber]]:
    async with db.reading() as uow:
        repo = Repository(uow)
        target = await resolve_target(repo, principal, account_ref, extension_ref)
        return target, await repo.list_forwarding_numbers(target.extension.id)


async def get_forwarding_number(
    db: Database, principal: Principal, account_ref: str, extension_ref: str, number_id: str
) -> tuple[Target, ForwardingNumber]:
    target, numbers = await list_forwarding_numbers(db, principal, account_ref, extension_ref)
    return target, _find(numbers, number_id)


async def create_forwarding_number(
    db: Database,
    principal: Principal,
    account_ref: str,
    extension_ref: str,
    body: Mapping[str, Any],
) -> tuple[Target, ForwardingNumber]:
    """Register a number; it joins every rule as inactive until put into a forwarding list."""
    async with db.writing() as uow:
        repo = Repository(uow)
        target = await resolve_target(repo, principal, account_ref, extension_ref)
        await repo.lock_extension(target.extension.id)
        draft = new_forwarding_number(body, number_id="", context=await _context(repo, target))
        number = replace(draft, id=str(await repo.next_id("forwarding_number")))
        await repo.insert_forwarding_number(number)
        await record_change(
            repo,
            principal,
            target,
            resource_type="forwarding-number",
            resource_id=number.id,
            version=await next_version(repo, target, "forwarding-number", number.id),
            before=None,
            after=number_document(number),
        )
        return target, number


async def update_forwarding_number_use_case(
    db: Database,
    principal: Principal,
    account_ref: str,
    extension_ref: str,
    number_id: str,
    body: Mapping[str, Any],
) -> tuple[Target, ForwardingNumber]:
    async with db.writing() as uow:
        repo = Repository(uow)
        target = await resolve_target(repo, principal, account_ref, extension_ref)
        await repo.lock_extension(target.extension.id)
        context = await _context(repo, target)
        current = _find(context.existing, number_id)
        updated = update_forwarding_number(current, body, context=context)
        await repo.update_forwarding_number(updated)
        await record_change(
            repo,
            principal,
            target,
            resource_type="forwarding-number",
            resource_id=number_id,
            version=await next_version(repo, target, "forwarding-number", number_id),
            before=number_document(current),
            after=number_document(updated),
        )
        return target, updated


async def delete_forwarding_numbers(
    db: Database,
    principal: Principal,
    account_ref: str,
    extension_ref: str,
    number_ids: Sequence[str],
    *,
    parameter_names: Sequence[str] | None = None,
) -> None:
    """Delete numbers and take them out of every rule; all or nothing."""
    async with db.writing() as uow:
        repo = Repository(uow)
        target = await resolve_target(repo, principal, account_ref, extension_ref)
        await repo.lock_extension(target.extension.id)
        existing = {n.id: n for n in await repo.list_forwarding_numbers(target.extension.id)}
        names = parameter_names or ["forwardingNumberId"] * len(number_ids)
        for number_id, name in zip(number_ids, names, strict=True):
            if number_id not in existing:
                raise not_found(name)
        await repo.delete_forwarding_numbers(target.extension.id, number_ids)
        for rule in await repo.list_rules(target.extension.id):
            if rule.forwarding.active_number_ids() & set(number_ids):
                groups = without_numbers(rule.forwarding.groups, number_ids)
                changed = replace(rule, forwarding=replace(rule.forwarding, groups=groups))
                await save_rule(repo, principal, target, rule, changed)
        for number_id in number_ids:
            await record_change(
                repo,
                principal,
                target,
                resource_type="forwarding-number",
                resource_id=number_id,
                version=await next_version(repo, target, "forwarding-number", number_id),
                before=number_document(existing[number_id]),
                after=None,
            )


def bulk_delete_ids(body: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """Ids and their parameter paths from ``{"records": [{"id": …}]}``.

    The spec names the key ``forwardingNumberId``; the behaviour page says ``id``; both work.
    """
    records = body.get("records")
    if not records:
        raise missing("records")
    ids: list[str] = []
    names: list[str] = []
    for position, record in enumerate(records):
        key = "id" if record.get("id") is not None else "forwardingNumberId"
        value = record.get(key)
        if value is None:
            raise missing(f"records[{position}].id")
        if str(value) in ids:
            raise invalid(f"records[{position}].{key}", "listed twice")
        ids.append(str(value))
        names.append(f"records[{position}].{key}")
    return ids, names
