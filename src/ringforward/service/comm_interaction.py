"""Use cases of interaction rules (the user's custom rules in v2 comm-handling)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ringforward.domain.comm_handling.interaction import interaction_rule
from ringforward.domain.comm_handling.model import INTERACTION_RULE, STATE
from ringforward.domain.comm_handling.states import state_document
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

# Interaction rules take the ids custom answering rules take: one sequence, no collisions.
SEQUENCE = "answering_rule"


async def list_rules(ext: ExtensionCall, *, enabled: bool | None = None) -> list[StoredItem]:
    async with enhanced_scope(ext) as scope:
        rules = await scope.repos.comm.items(scope.extension.id, INTERACTION_RULE)
        return [
            await expanded_rule(scope, r)
            for r in rules
            if enabled is None or r.document["enabled"] is enabled
        ]


async def expanded_rule(scope: Scope, item: StoredItem) -> StoredItem:
    """The rule as answered: a State condition carries the whole current state."""
    conditions = []
    for condition in item.document["conditions"]:
        if condition["type"] == "State":
            state_id = condition["state"]["id"]
            state = await scope.repos.comm.item(scope.extension.id, STATE, state_id)
            document = state.document if state else state_document(state_id, enabled=False)
            condition = {"type": "State", "state": document}
        conditions.append(condition)
    return replace(item, document={**item.document, "conditions": conditions})


async def get_rule(ext: ExtensionCall, rule_id: str) -> StoredItem:
    async with enhanced_scope(ext) as scope:
        return await expanded_rule(scope, await scope.comm_item(INTERACTION_RULE, rule_id))


async def create_rule(ext: ExtensionCall, body: dict[str, Any]) -> StoredItem:
    check_schema(body, "CommInteractionRuleCreateRequest")
    async with enhanced_scope(ext, writing=True) as scope:
        rule_id = str(await scope.repos.sequences.next_id(SEQUENCE))
        document, refs = interaction_rule(rule_id, body, region=scope.account.country)
        await check_references(scope, refs)
        item = StoredItem(INTERACTION_RULE, rule_id, int(rule_id), 1, document)
        await scope.repos.comm.insert(scope.extension.id, item)
        await audit(scope, None, item)
        return await expanded_rule(scope, item)


async def patch_rule(
    ext: ExtensionCall, rule_id: str, body: dict[str, Any], *, if_match: str | None = None
) -> StoredItem:
    check_schema(body, "CommInteractionRuleUpdateRequest")
    async with enhanced_scope(ext, writing=True) as scope:
        before = await scope.comm_item(INTERACTION_RULE, rule_id)
        check_if_match(before, if_match)
        document, refs = interaction_rule(
            rule_id, body, region=scope.account.country, current=before.document
        )
        await check_references(scope, refs)
        return await expanded_rule(scope, await save(scope, before, document))


async def delete_rule(ext: ExtensionCall, rule_id: str, *, if_match: str | None = None) -> None:
    async with enhanced_scope(ext, writing=True) as scope:
        before = await scope.comm_item(INTERACTION_RULE, rule_id)
        check_if_match(before, if_match)
        await scope.repos.comm.delete(scope.extension.id, INTERACTION_RULE, rule_id)
        await audit(scope, before, None)
