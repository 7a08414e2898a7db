"""Use cases for answering rules: list, create custom, read, update (merge), delete custom."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, replace
from typing import Any

from ringforward.domain.answering_rules import merge_rule_update, new_custom_rule
from ringforward.domain.errors import ValidationError
from ringforward.domain.model import AnsweringRule, ForwardingNumber
from ringforward.service.access import Target
from ringforward.service.read_model import cached
from ringforward.service.rule_memory import remembering
from ringforward.service.rules_store import check_if_match, record_rule_change, save_rule
from ringforward.service.schema import check_schema
from ringforward.service.scope import ExtensionCall, Scope, editing, reading

CREATE_SCHEMA = "CreateAnsweringRuleRequest"
UPDATE_SCHEMA = "UpdateAnsweringRuleRequest"


@dataclass(frozen=True)
class RuleView:
    """A rule with what rendering it needs: its extension and forwarding numbers."""

    target: Target
    rule: AnsweringRule
    numbers: tuple[ForwardingNumber, ...]


@dataclass(frozen=True)
class RuleList:
    target: Target
    rules: list[AnsweringRule]
    numbers: tuple[ForwardingNumber, ...]


@dataclass(frozen=True)
class RuleFilter:
    types: tuple[str, ...] = ()
    enabled_only: bool = False

    def keeps(self, rule: AnsweringRule) -> bool:
        return (not self.types or rule.type in self.types) and (
            rule.enabled or not self.enabled_only
        )


async def list_rules(ext: ExtensionCall, rule_filter: RuleFilter = RuleFilter()) -> RuleList:
    async with reading(ext) as scope:
        rules = await scope.repos.rules.list_rules(scope.extension.id)
        numbers = tuple(await scope.forwarding_numbers())
        return RuleList(scope.target, [r for r in rules if rule_filter.keeps(r)], numbers)


async def get_rule(ext: ExtensionCall, rule_id: str, *, fresh: bool = False) -> RuleView:
    async def load() -> RuleView:
        async with reading(ext) as scope:
            rule = await scope.rule(rule_id)
            return RuleView(scope.target, rule, tuple(await scope.forwarding_numbers()))

    return await cached(ext, ("rule", rule_id), load, fresh=fresh)


async def create_custom_rule(ext: ExtensionCall, body: Mapping[str, Any]) -> RuleView:
    check_schema(body, CREATE_SCHEMA)
    async with editing(ext, content_only=True) as scope:
        context = await scope.rule_context()
        draft = new_custom_rule(body, rule_id="0", position=0, context=context)
        rule_number = await scope.repos.sequences.next_id("answering_rule")
        rule = replace(draft, id=str(rule_number), position=rule_number, version=1)
        await scope.repos.rules.insert_rule(rule)
        await record_rule_change(scope, None, rule, 1)
        return RuleView(scope.target, rule, context.forwarding_numbers)


async def update_rule(
    ext: ExtensionCall, rule_id: str, body: Mapping[str, Any], *, if_match: str | None = None
) -> RuleView:
    """Merge ``body`` into the rule (PUT semantics of the platform) in one transaction."""
    # Checked before the rule is looked up too, so a bad body is a 400 whatever it names;
    # checked once: the body does not depend on the rule.
    checked = check_schema(body, UPDATE_SCHEMA)
    return await _update(ext, rule_id, lambda _view: checked, if_match)


async def update_rule_remembered(
    ext: ExtensionCall, rule_id: str, body: Mapping[str, Any], *, if_match: str | None = None
) -> RuleView:
    """``update_rule``, reading what it can from memory and writing on the driver
    (``service/rule_memory.py``): same checks, same merge, same save and audit."""
    checked = check_schema(body, UPDATE_SCHEMA)
    return await _update(ext, rule_id, lambda _view: checked, if_match, remembering)


BodyFromView = Callable[[RuleView], Mapping[str, Any]]


async def update_rule_with(
    ext: ExtensionCall, rule_id: str, make_body: BodyFromView, *, if_match: str | None = None
) -> RuleView:
    """Read the rule, let ``make_body`` derive a PUT body from it, merge and save: atomically.

    JSON Patch and the ring-group edits use this so that the read they are based on and
    the write happen in the same transaction. The derived body meets the same request
    schema as a PUT's.
    """

    def checked_body(view: RuleView) -> Mapping[str, Any]:
        return check_schema(make_body(view), UPDATE_SCHEMA)

    return await _update(ext, rule_id, checked_body, if_match)


def _editing_content(ext: ExtensionCall) -> AbstractAsyncContextManager[Scope]:
    return editing(ext, content_only=True)


async def _update(
    ext: ExtensionCall,
    rule_id: str,
    checked_body: BodyFromView,
    if_match: str | None,
    opening: Callable[[ExtensionCall], AbstractAsyncContextManager[Scope]] = _editing_content,
) -> RuleView:
    async with opening(ext) as scope:
        rule = await scope.rule(rule_id)
        check_if_match(rule, if_match)
        context = await scope.rule_context()
        body = checked_body(RuleView(scope.target, rule, context.forwarding_numbers))
        updated = merge_rule_update(rule, body, context)
        saved = await save_rule(scope, rule, updated)
        return RuleView(scope.target, saved, context.forwarding_numbers)


async def delete_rule(ext: ExtensionCall, rule_id: str, *, if_match: str | None = None) -> None:
    async with editing(ext, content_only=True) as scope:
        rule = await scope.rule(rule_id)
        if not rule.is_custom:
            raise ValidationError(
                f"{rule_id} cannot be deleted; only custom rules can", parameter_name="ruleId"
            )
        check_if_match(rule, if_match)
        await scope.repos.rules.delete_rule(scope.extension.id, rule_id)
        await record_rule_change(scope, rule, None, rule.version + 1)
