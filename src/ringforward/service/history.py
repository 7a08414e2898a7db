"""An answering rule's audit trail: its changes, newest first, and reverting one of them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.engine import RowMapping

from ringforward.domain.answering_rules import RuleContext, validate_rule
from ringforward.domain.errors import ValidationError, invalid, not_found
from ringforward.domain.forwarding_list import check_groups, without_numbers
from ringforward.domain.model import STANDARD_RULE_IDS, AnsweringRule, Extension, ForwardingNumber
from ringforward.service.access import Principal, Target, resolve_target
from ringforward.service.answering_rules import RuleView
from ringforward.service.rules_store import check_if_match, save_rule
from ringforward.store.codec import rule_from_row
from ringforward.store.database import Database
from ringforward.store.repository import Repository

RULE_RESOURCE = "answering-rule"
NUMBER_RESOURCE = "forwarding-number"


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
    row = {
        "rule_id": rule_id,
        "extension_id": extension_id,
        "type": current.type if current is not None else _rule_type(rule_id),
        "enabled": parsed.get("enabled", fallback),
        "position": current.position if current is not None else 0,
        "version": version,
        "document": document,
    }
    return rule_from_row(row)


def _change(
    row: RowMapping, current: AnsweringRule | None, actors: Mapping[str, Extension]
) -> RuleChange:
    version = int(row["version"])

    def at(document: str | None, at_version: int) -> AnsweringRule | None:
        return rule_at(
            document,
            rule_id=row["resource_id"],
            extension_id=row["extension_id"],
            version=at_version,
            current=current,
        )

    return RuleChange(
        version=version,
        at=float(row["at"]),
        actor_id=row["actor"],
        actor=actors.get(row["actor"]),
        before=at(row["before"], max(1, version - 1)),
        after=at(row["after"], version),
    )


async def _deleted_numbers(
    repo: Repository, extension_id: str, wanted: set[str]
) -> list[ForwardingNumber]:
    found: list[ForwardingNumber] = []
    for number_id in sorted(wanted):
        for row in await repo.list_audit(extension_id, NUMBER_RESOURCE, number_id):
            document = row["before"] or row["after"]
            if document:
                found.append(ForwardingNumber(**json.loads(document)))
                break
    return found


async def rule_history(
    db: Database, principal: Principal, account_ref: str, extension_ref: str, rule_id: str
) -> RuleHistory:
    """The rule's changes, newest first; the same access rules as reading the rule."""
    async with db.reading() as uow:
        repo = Repository(uow)
        target = await resolve_target(repo, principal, account_ref, extension_ref)
        current = await repo.get_rule(target.extension.id, rule_id)
        rows = await repo.list_audit(target.extension.id, RULE_RESOURCE, rule_id)
        if current is None and not rows:
            raise not_found("ruleId")
        actors = {e.id: e for e in await repo.list_extensions(target.account.id)}
        changes = tuple(_change(row, current, actors) for row in rows)
        numbers = await repo.list_forwarding_numbers(target.extension.id)
        named = {
            number_id
            for change in changes
            for rule in (change.before, change.after)
            if rule is not None
            for number_id in rule.forwarding.active_number_ids()
        }
        missing_ids = named - {number.id for number in numbers}
        numbers += await _deleted_numbers(repo, target.extension.id, missing_ids)
        return RuleHistory(target, rule_id, changes, tuple(numbers))


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
    db: Database,
    principal: Principal,
    account_ref: str,
    extension_ref: str,
    rule_id: str,
    version: int,
    *,
    if_match: str | None = None,
) -> RuleView:
    """Restore the rule as it was before the change that made ``version``, as a new change."""
    async with db.writing() as uow:
        repo = Repository(uow)
        target = await resolve_target(repo, principal, account_ref, extension_ref)
        await repo.lock_extension(target.extension.id)
        current = await repo.get_rule(target.extension.id, rule_id)
        if current is None:
            raise not_found("ruleId")
        check_if_match(current, if_match)
        rows = await repo.list_audit(target.extension.id, RULE_RESOURCE, rule_id)
        row = next((r for r in rows if int(r["version"]) == version), None)
        if row is None:
            raise not_found("version")
        earlier = rule_at(
            row["before"],
            rule_id=rule_id,
            extension_id=target.extension.id,
            version=version - 1,
            current=current,
        )
        if earlier is None:
            raise ValidationError(
                f"Version {version} created the rule; delete the rule to undo it",
                parameter_name="version",
            )
        numbers = tuple(await repo.list_forwarding_numbers(target.extension.id))
        context = RuleContext(
            extension_id=target.extension.id,
            forwarding_numbers=numbers,
            account_extension_ids=await repo.extension_ids(target.account.id),
            region=target.account.country,
        )
        restored = restored_rule(current, earlier, context)
        saved = await save_rule(repo, principal, target, current, restored)
        return RuleView(target, saved, numbers)
