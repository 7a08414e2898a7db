"""Use cases of states and state rules (v2 comm-handling)."""

from __future__ import annotations

from typing import Any

from ringforward.domain.comm_handling.dispatching import normalize_dispatching
from ringforward.domain.comm_handling.model import (
    AFTER_HOURS,
    STATE,
    STATE_ORDER,
    STATE_RULE,
    WORK_HOURS,
    default_dispatching,
)
from ringforward.domain.comm_handling.states import patched_state, state_document, weekly_of
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


async def list_states(
    db: Database, principal: Principal, account_ref: str, extension_ref: str
) -> list[StoredItem]:
    async with db.reading() as uow:
        context = await enhanced_target(uow, principal, account_ref, extension_ref)
        return await context.comm.items(context.extension_id, STATE)


async def _state(context: Context, state_id: str) -> StoredItem:
    found = await context.comm.item(context.extension_id, STATE, state_id)
    if found is None:
        raise not_found("stateId")
    return found


async def get_state(
    db: Database, principal: Principal, account_ref: str, extension_ref: str, state_id: str
) -> StoredItem:
    async with db.reading() as uow:
        context = await enhanced_target(uow, principal, account_ref, extension_ref)
        return await _state(context, state_id)


async def patch_state(
    db: Database,
    principal: Principal,
    account_ref: str,
    extension_ref: str,
    state_id: str,
    body: dict[str, Any],
) -> StoredItem:
    """Change a state; scheduling work-hours creates after-hours, 24/7 deletes it."""
    async with db.writing() as uow:
        context = await enhanced_target(uow, principal, account_ref, extension_ref)
        await context.repo.lock_extension(context.extension_id)
        before = await _state(context, state_id)
        saved = await save(context, principal, before, patched_state(before.document, body))
        if state_id == WORK_HOURS:
            await _sync_after_hours(context, principal, scheduled=bool(weekly_of(saved.document)))
        return saved


async def _sync_after_hours(context: Context, principal: Principal, *, scheduled: bool) -> None:
    extension_id = context.extension_id
    state = await context.comm.item(extension_id, STATE, AFTER_HOURS)
    rule = await context.comm.item(extension_id, STATE_RULE, AFTER_HOURS)
    position = STATE_ORDER.index(AFTER_HOURS)
    if scheduled and state is None:
        created = StoredItem(
            STATE, AFTER_HOURS, position, 1, state_document(AFTER_HOURS, enabled=True)
        )
        await context.comm.insert(extension_id, created)
        await audit(context, principal, None, created)
        if rule is None:
            new_rule = StoredItem(
                STATE_RULE, AFTER_HOURS, position, 1, default_dispatching(AFTER_HOURS)
            )
            await context.comm.insert(extension_id, new_rule)
            await audit(context, principal, None, new_rule)
    elif not scheduled and state is not None:
        for item in (state, rule):
            if item is not None:
                await context.comm.delete(extension_id, item.kind, item.item_id)
                await audit(context, principal, item, None)


async def list_state_rules(
    db: Database, principal: Principal, account_ref: str, extension_ref: str
) -> list[tuple[StoredItem, StoredItem]]:
    """Each state rule with its state."""
    async with db.reading() as uow:
        context = await enhanced_target(uow, principal, account_ref, extension_ref)
        states = {s.item_id: s for s in await context.comm.items(context.extension_id, STATE)}
        rules = await context.comm.items(context.extension_id, STATE_RULE)
        return [(rule, states[rule.item_id]) for rule in rules if rule.item_id in states]


async def _state_rule(context: Context, state_id: str) -> tuple[StoredItem, StoredItem]:
    rule = await context.comm.item(context.extension_id, STATE_RULE, state_id)
    state = await context.comm.item(context.extension_id, STATE, state_id)
    if rule is None or state is None:
        raise not_found("stateId")
    return rule, state


async def get_state_rule(
    db: Database, principal: Principal, account_ref: str, extension_ref: str, state_id: str
) -> tuple[StoredItem, StoredItem]:
    async with db.reading() as uow:
        context = await enhanced_target(uow, principal, account_ref, extension_ref)
        return await _state_rule(context, state_id)


async def patch_state_rule(
    db: Database,
    principal: Principal,
    account_ref: str,
    extension_ref: str,
    state_id: str,
    body: dict[str, Any],
    *,
    if_match: str | None = None,
) -> tuple[StoredItem, StoredItem]:
    """Replace the rule's ``dispatching`` whole with the one sent (nothing sent: unchanged)."""
    async with db.writing() as uow:
        context = await enhanced_target(uow, principal, account_ref, extension_ref)
        await context.repo.lock_extension(context.extension_id)
        rule, state = await _state_rule(context, state_id)
        check_if_match(rule, if_match)
        if "dispatching" not in body:
            return rule, state
        normalized = normalize_dispatching(body["dispatching"], region=context.region)
        await check_references(context, normalized.references)
        return await save(context, principal, rule, normalized.document), state
