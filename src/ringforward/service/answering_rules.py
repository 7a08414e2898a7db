"""Use cases for answering rules: list, create custom, read, update (merge), delete custom."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ringforward.domain.answering_rules import RuleContext, merge_rule_update, new_custom_rule
from ringforward.domain.errors import ValidationError, not_found
from ringforward.domain.model import AnsweringRule, ForwardingNumber
from ringforward.service.access import Principal, Target, resolve_target
from ringforward.service.audit import record_change
from ringforward.service.rules_store import check_if_match, save_rule
from ringforward.store.codec import rule_to_document
from ringforward.store.database import Database
from ringforward.store.repository import Repository


@dataclass(frozen=True)
class RuleView:
    """A rule with what rendering it needs: its extension and forwarding numbers."""

    target: Target
    rule: AnsweringRule
    numbers: tuple[ForwardingNumber, ...]


@dataclass(frozen=True)
class RuleFilter:
    types: tuple[str, ...] = ()
    enabled_only: bool = False


async def _rule_context(repo: Repository, target: Target) -> RuleContext:
    return RuleContext(
        extension_id=target.extension.id,
        forwarding_numbers=tuple(await repo.list_forwarding_numbers(target.extension.id)),
        account_extension_ids=await repo.extension_ids(target.account.id),
        region=target.account.country,
    )


async def _load(repo: Repository, target: Target, rule_id: str) -> AnsweringRule:
    rule = await repo.get_rule(target.extension.id, rule_id)
    if rule is None:
        raise not_found("ruleId")
    return rule


async def list_rules(
    db: Database,
    principal: Principal,
    account_ref: str,
    extension_ref: str,
    rule_filter: RuleFilter = RuleFilter(),
) -> tuple[Target, list[AnsweringRule], tuple[ForwardingNumber, ...]]:
    async with db.reading() as uow:
        repo = Repository(uow)
        target = await resolve_target(repo, principal, account_ref, extension_ref)
        rules = [
            rule
            for rule in await repo.list_rules(target.extension.id)
            if (not rule_filter.types or rule.type in rule_filter.types)
            and (rule.enabled or not rule_filter.enabled_only)
        ]
        numbers = tuple(await repo.list_forwarding_numbers(target.extension.id))
        return target, rules, numbers


async def get_rule(
    db: Database, principal: Principal, account_ref: str, extension_ref: str, rule_id: str
) -> RuleView:
    async with db.reading() as uow:
        repo = Repository(uow)
        target = await resolve_target(repo, principal, account_ref, extension_ref)
        rule = await _load(repo, target, rule_id)
        numbers = tuple(await repo.list_forwarding_numbers(target.extension.id))
        return RuleView(target, rule, numbers)


async def create_custom_rule(
    db: Database,
    principal: Principal,
    account_ref: str,
    extension_ref: str,
    body: Mapping[str, Any],
) -> RuleView:
    async with db.writing() as uow:
        repo = Repository(uow)
        target = await resolve_target(repo, principal, account_ref, extension_ref)
        await repo.lock_extension(target.extension.id)
        context = await _rule_context(repo, target)
        draft = new_custom_rule(body, rule_id="0", position=0, context=context)
        rule_number = await repo.next_id("answering_rule")
        rule = AnsweringRule(
            **{**draft.__dict__, "id": str(rule_number), "position": rule_number, "version": 1}
        )
        await repo.insert_rule(rule)
        await record_change(
            repo,
            principal,
            target,
            resource_type="answering-rule",
            resource_id=rule.id,
            version=1,
            before=None,
            after=rule_to_document(rule),
        )
        return RuleView(target, rule, context.forwarding_numbers)


async def update_rule(
    db: Database,
    principal: Principal,
    account_ref: str,
    extension_ref: str,
    rule_id: str,
    body: Mapping[str, Any],
    *,
    if_match: str | None = None,
) -> RuleView:
    """Merge ``body`` into the rule (PUT semantics of the platform) in one transaction."""
    return await update_rule_with(
        db, principal, account_ref, extension_ref, rule_id, lambda _view: body, if_match=if_match
    )


BodyFromView = Callable[[RuleView], Mapping[str, Any]]


async def update_rule_with(
    db: Database,
    principal: Principal,
    account_ref: str,
    extension_ref: str,
    rule_id: str,
    make_body: BodyFromView,
    *,
    if_match: str | None = None,
) -> RuleView:
    """Read the rule, let ``make_body`` derive a PUT body from it, merge and save: atomically.

    JSON Patch and the ring-group edits use this so that the read they are based on and
    the write happen in the same transaction.
    """
    async with db.writing() as uow:
        repo = Repository(uow)
        target = await resolve_target(repo, principal, account_ref, extension_ref)
        await repo.lock_extension(target.extension.id)
        rule = await _load(repo, target, rule_id)
        check_if_match(rule, if_match)
        context = await _rule_context(repo, target)
        body = make_body(RuleView(target, rule, context.forwarding_numbers))
        updated = merge_rule_update(rule, body, context)
        saved = await save_rule(repo, principal, target, rule, updated)
        return RuleView(target, saved, context.forwarding_numbers)


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
        repo = Repository(uow)
        target = await resolve_target(repo, principal, account_ref, extension_ref)
        await repo.lock_extension(target.extension.id)
        rule = await _load(repo, target, rule_id)
        if not rule.is_custom:
            raise ValidationError(
                f"{rule_id} cannot be deleted; only custom rules can", parameter_name="ruleId"
            )
        check_if_match(rule, if_match)
        await repo.delete_rule(target.extension.id, rule_id)
        await record_change(
            repo,
            principal,
            target,
            resource_type="answering-rule",
            resource_id=rule_id,
            version=rule.version + 1,
            before=rule_to_document(rule),
            after=None,
        )
