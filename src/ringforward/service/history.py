"""An answering rule's audit trail: its changes, newest first, and reverting one of them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from ringforward.domain.answering_rules import RuleContext, validate_rule
from ringforward.domain.errors import ValidationError, invalid, not_found
from ringforward.domain.forwarding_list import check_groups, without_numbers
from ringforward.domain.model import STANDARD_RULE_IDS, AnsweringRule, Extension, ForwardingNumber
from ringforward.service.access import Target
from ringforward.service.answering_rules import RuleView
from ringforward.service.forwarding_numbers import NUMBER_RESOURCE
from ringforward.service.rules_store import RULE_RESOURCE, check_if_match, save_rule
from ringforward.service.scope import ExtensionCall, Scope, editing, reading
from ringforward.store.audit import AuditRecord
from ringforward.store.codec import rule_from_document


@dataclass(frozen=True)
class RuleChange:
    """One audited change: the version it made, when, by whom, and the rule around it."""

    version: int
    at: float
    actor_id: str
    actor: Extension | None
    before: AnsweringRule | None
    after: AnsweringRule | None


@dataclass(frozen=True)
class RuleHistory:
    """The changes of one rule, newest first, with what rendering them needs.

    ``numbers`` holds the extension's forwarding numbers and, rebuilt from their own audit
    records, the deleted ones an old version still names, so old versions read fully.
    """

    target: Target
    rule_id: str
    changes: tuple[RuleChange, ...]
    numbers: tuple[ForwardingNumber, ...]


def _rule_type(rule_id: str) -> str:
    return STANDARD_RULE_IDS.get(rule_id, "Custom")


def rule_at(
    document: str | None,
    *,
    rule_id: str,
    extension_id: str,
    version: int,
    current: AnsweringRule | None,
) -> AnsweringRule | None:
    """The rule a stored audit document describes (None for "did not exist")."""
    if document is None:
        return None
    parsed: dict[str, Any] = json.loads(document)
    # Records written before documents carried ``enabled`` fall back to today's value.
    fallback = current.enabled if current is not None else True
    return rule_from_document(
        document,
        rule_id=rule_id,
        extension_id=extension_id,
        rule_type=current.type if current is not None else _rule_type(rule_id),
        enabled=bool(parsed.get("enabled", fallback)),
        position=current.position if current is not None else 0,
        version=version,
    )


def _change(
    record: AuditRecord, current: AnsweringRule | None, actors: Mapping[str, Extension]
) -> RuleChange:
    version = record.version

    def at(document: str | None, at_version: int) -> AnsweringRule | None:
        return rule_at(
            document,
            rule_id=record.resource_id,
            extension_id=record.extension_id,
            version=at_version,
            current=current,
        )

    return RuleChange(
        version=version,
        at=record.at,
        actor_id=record.actor,
        actor=actors.get(record.actor),
        before=at(record.before, max(1, version - 1)),
        after=at(record.after, version),
    )


async def _deleted_numbers(scope: Scope, wanted: set[str]) -> list[ForwardingNumber]:
    found: list[ForwardingNumber] = []
    for number_id in sorted(wanted):
        records = await scope.repos.audit.list_audit(scope.extension.id, NUMBER_RESOURCE, number_id)
        for record in records:
            document = record.before or record.after
            if document:
                found.append(ForwardingNumber(**json.loads(document)))
                break
    return found


async def rule_history(ext: ExtensionCall, rule_id: str) -> RuleHistory:
    """The rule's changes, newest first; the same access rules as reading the rule."""
    async with reading(ext) as scope:
        repos = scope.repos
        current = await repos.rules.get_rule(scope.extension.id, rule_id)
        records = await repos.audit.list_audit(scope.extension.id, RULE_RESOURCE, rule_id)
        if current is None and not records:
            raise not_found("ruleId")
        actors = {e.id: e for e in await repos.extensions.list_extensions(scope.account.id)}
        changes = tuple(_change(record, current, actors) for record in records)
        numbers = await scope.forwarding_numbers()
        named = {
            number_id
            for change in changes
            for rule in (change.before, change.after)
            if rule is not None
            for number_id in rule.forwarding.active_number_ids()
        }
        missing_ids = named - {number.id for number in numbers}
        numbers += await _deleted_numbers(scope, missing_ids)
        return RuleHistory(scope.target, rule_id, changes, tuple(numbers))


def restored_rule(
    current: AnsweringRule, earlier: AnsweringRule, context: RuleContext
) -> AnsweringRule:
    """``earlier``'s settings on ``current``'s identity, valid against today's extension.

    Forwarding numbers deleted since cannot ring again: they are left out of the list
    (a group they leave empty vanishes), as deleting them did to every rule.
    """
    known = {number.id for number in context.forwarding_numbers}
    gone = earlier.forwarding.active_number_ids() - known
    groups = without_numbers(earlier.forwarding.groups, gone)
    restored = replace(
        earlier,
        id=current.id,
        extension_id=current.extension_id,
        type=current.type,
        position=current.position,
        version=current.version,
        forwarding=replace(earlier.forwarding, groups=groups),
    )
    check_groups(restored.forwarding.groups, known)
    validate_rule(restored, context)
    return restored


def parse_version(raw: str) -> int:
    # isdigit() alone also accepts digits int() refuses, such as "²".
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
        raise invalid("version", "must be a positive integer")
    return int(raw)


async def revert_change(
    ext: ExtensionCall, rule_id: str, version: int, *, if_match: str | None = None
) -> RuleView:
    """Restore the rule as it was before the change that made ``version``, as a new change."""
    async with editing(ext) as scope:
        current = await scope.rule(rule_id)
        check_if_match(current, if_match)
        records = await scope.repos.audit.list_audit(scope.extension.id, RULE_RESOURCE, rule_id)
        record = next((r for r in records if r.version == version), None)
        if record is None:
            raise not_found("version")
        earlier = rule_at(
            record.before,
            rule_id=rule_id,
            extension_id=scope.extension.id,
            version=version - 1,
            current=current,
        )
        if earlier is None:
            raise ValidationError(
                f"Version {version} created the rule; delete the rule to undo it",
                parameter_name="version",
            )
        context = await scope.rule_context()
        restored = restored_rule(current, earlier, context)
        saved = await save_rule(scope, current, restored)
        return RuleView(scope.target, saved, context.forwarding_numbers)
