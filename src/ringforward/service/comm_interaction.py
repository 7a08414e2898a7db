"""Use cases of interaction rules (the user's custom rules in v2 comm-handling)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ringforward.domain.comm_handling.interaction import interaction_rule
from ringforward.domain.comm_handling.model import INTERACTION_RULE, STATE
from ringforward.domain.comm_handling.states import state_document
from ringforward.domain.errors import not_found
from ringforward.service.access import Principal
from ringforward.service.comm_common import (
    Context,
    audit,
    check_if_match,
    check_references,
    enhanced_target,
    save,
)
from ringforward.store.comm_repository import StoredItem
from ringforward.store.database import Database

# Interaction rules take the ids custom answering rules take: one sequence, no collisions.
SEQUENCE = "answering_rule"


async def list_rules(
    db: Database,
    principal: Principal,
    account_ref: str,
    extension_ref: str,
    *,
    enabled: bool | None = None,
) -> list[StoredItem]:
    async with db.reading() as uow:
        context = await enhanced_target(uow, principal, account_ref, extension_ref)
        rules = await context.comm.items(context.extension_id, INTERACTION_RULE)
        return [
            await _expanded(context, r)
            for r in rules
            if enabled is None or r.document["enabled"] is enabled
        ]


async def _rule(context: Context, rule_id: str) -> StoredItem:
    found = await context.comm.item(context.extension_id, INTERACTION_RULE, rule_id)
    if found is None:
        raise not_found("ruleId")
    return found


async def _expanded(context: Context, item: StoredItem) -> StoredItem:
    """The rule as answered: a State condition carries the whole current state."""
    conditions = []
    for condition in item.document["conditions"]:
        if condition["type"] == "State":
            state_id = condition["state"]["id"]
            state = await context.comm.item(context.extension_id, STATE, state_id)
            document = state.document if state else state_document(state_id, enabled=False)
            condition = {"type": "State", "state": document}
        conditions.append(condition)
    return replace(item, document={**item.document, "conditions": conditions})


async def get_rule(
    db: Database, principal: Principal, account_ref: str, extension_ref: str, rule_id: str
) -> StoredItem:
    async with db.reading() as uow:
        context = await enhanced_target(uow, principal, account_ref, extension_ref)
        return await _expanded(context, await _rule(context, rule_id))


async def create_rule(
    db: Database, principal: Principal, account_ref: str, extension_ref: str, body: dict[str, Any]
) -> StoredItem:
    async with db.writing() as uow:
        context = await enhanced_target(uow, principal, account_ref, extension_ref)
        await context.repo.lock_extension(context.extension_id)
        rule_id = str(await context.repo.next_id(SEQUENCE))
        document, refs = interaction_rule(rule_id, body, region=context.region)
        await check_references(context, refs)
        item = StoredItem(INTERACTION_RULE, rule_id, int(rule_id), 1, document)
        await context.comm.insert(context.extension_id, item)
        await audit(context, principal, None, item)
        return await _expanded(context, item)


async def patch_rule(
    db: Database,
    principal: Principal,
    account_ref: str,
    extension_ref: str,
    rule_id: str,
    body: dict[str, Any],
    *,
    if_match: str | None = None,
) -> StoredItem:
    async with db.writing() as uow:
        context = await enhanced_target(uow, principal, account_ref, extension_ref)
        await context.repo.lock_extension(context.extension_id)
        before = await _rule(context, rule_id)
        check_if_match(before, if_match)
        document, refs = interaction_rule(
            rule_id, body, region=context.region, current=before.document
        )
        await check_references(context, refs)
        return await _expanded(context, await save(context, principal, before, document))


async def delete_rule(
    db: Database,
    principal: Principal,
    account_ref: str,
    extension_ref: str,
    rule_id: str,
    *,
    if_match: str | None = None,
) -> None:
    async with db.writing() as uow:
        context = await enhanced_target(uow, principal, account_ref, extension_ref)
        await context.repo.lock_extension(context.extension_id)
        before = await _rule(context, rule_id)
        check_if_match(before, if_match)
        await context.comm.delete(context.extension_id, INTERACTION_RULE, rule_id)
        await audit(context, principal, before, None)
