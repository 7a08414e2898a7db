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
from ringforward.service.comm_common import (
    audit,
    check_if_match,
    check_references,
    enhanced_scope,
    save,
)
from ringforward.service.schema import check_schema
from ringforward.service.scope import ExtensionCall, Scope
from ringforward.store.comm_handling import StoredItem


async def list_states(ext: ExtensionCall) -> list[StoredItem]:
    async with enhanced_scope(ext) as scope:
        return await scope.repos.comm.items(scope.extension.id, STATE)


async def get_state(ext: ExtensionCall, state_id: str) -> StoredItem:
    async with enhanced_scope(ext) as scope:
        return await scope.comm_item(STATE, state_id)


async def patch_state(ext: ExtensionCall, state_id: str, body: dict[str, Any]) -> StoredItem:
    """Change a state; scheduling work-hours creates after-hours, 24/7 deletes it."""
    check_schema(body, "CommStateUpdateRequest")
    async with enhanced_scope(ext, writing=True) as scope:
        before = await scope.comm_item(STATE, state_id)
        saved = await save(scope, before, patched_state(before.document, body))
        if state_id == WORK_HOURS:
            await sync_after_hours(scope, scheduled=bool(weekly_of(saved.document)))
        return saved


async def _next_version(scope: Scope, kind: str, item_id: str) -> int:
    """A re-created item continues its history's numbering, so versions stay unique."""
    records = await scope.repos.audit.list_audit(scope.extension.id, f"comm-{kind}", item_id)
    return max((record.version for record in records), default=0) + 1


async def sync_after_hours(scope: Scope, *, scheduled: bool) -> None:
    """After-hours exists exactly while work-hours has a schedule."""
    extension_id = scope.extension.id
    state = await scope.repos.comm.item(extension_id, STATE, AFTER_HOURS)
    rule = await scope.repos.comm.item(extension_id, STATE_RULE, AFTER_HOURS)
    position = STATE_ORDER.index(AFTER_HOURS)
    if scheduled and state is None:
        created = StoredItem(
            STATE,
            AFTER_HOURS,
            position,
            await _next_version(scope, STATE, AFTER_HOURS),
            state_document(AFTER_HOURS, enabled=True),
        )
        await scope.repos.comm.insert(extension_id, created)
        await audit(scope, None, created)
        if rule is None:
            new_rule = StoredItem(
                STATE_RULE,
                AFTER_HOURS,
                position,
                await _next_version(scope, STATE_RULE, AFTER_HOURS),
                default_dispatching(AFTER_HOURS),
            )
            await scope.repos.comm.insert(extension_id, new_rule)
            await audit(scope, None, new_rule)
    elif not scheduled and state is not None:
        for item in (state, rule):
            if item is not None:
                await scope.repos.comm.delete(extension_id, item.kind, item.item_id)
                await audit(scope, item, None)


async def list_state_rules(ext: ExtensionCall) -> list[tuple[StoredItem, StoredItem]]:
    """Each state rule with its state."""
    async with enhanced_scope(ext) as scope:
        states = {s.item_id: s for s in await scope.repos.comm.items(scope.extension.id, STATE)}
        rules = await scope.repos.comm.items(scope.extension.id, STATE_RULE)
        return [(rule, states[rule.item_id]) for rule in rules if rule.item_id in states]


async def _state_rule(scope: Scope, state_id: str) -> tuple[StoredItem, StoredItem]:
    return await scope.comm_item(STATE_RULE, state_id), await scope.comm_item(STATE, state_id)


async def get_state_rule(ext: ExtensionCall, state_id: str) -> tuple[StoredItem, StoredItem]:
    async with enhanced_scope(ext) as scope:
        return await _state_rule(scope, state_id)


async def patch_state_rule(
    ext: ExtensionCall, state_id: str, body: dict[str, Any], *, if_match: str | None = None
) -> tuple[StoredItem, StoredItem]:
    """Replace the rule's ``dispatching`` whole with the one sent (nothing sent: unchanged)."""
    check_schema(body, "CommStateBasedRuleUpdateRequest")
    async with enhanced_scope(ext, writing=True) as scope:
        rule, state = await _state_rule(scope, state_id)
        check_if_match(rule, if_match)
        if "dispatching" not in body:
            return rule, state
        normalized = normalize_dispatching(body["dispatching"], region=scope.account.country)
        await check_references(scope, normalized.references)
        return await save(scope, rule, normalized.document), state
