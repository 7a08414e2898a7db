"""Saving an answering rule: version bump, optimistic check and audit in one place."""

from __future__ import annotations

from dataclasses import replace

from ringforward.domain.model import AnsweringRule
from ringforward.service import preconditions
from ringforward.service.scope import Scope
from ringforward.store.audit import AuditRecord
from ringforward.store.codec import rule_to_document

RULE_RESOURCE = "answering-rule"


def etag_of(rule: AnsweringRule) -> str:
    return f'"{rule.id}-v{rule.version}"'


def check_if_match(rule: AnsweringRule, if_match: str | None) -> None:
    preconditions.check_if_match(etag_of(rule), if_match, subject="The answering rule")


def _document(rule: AnsweringRule | None) -> str | None:
    return rule_to_document(rule) if rule is not None else None


def _change_record(
    scope: Scope, before: AnsweringRule | None, after: AnsweringRule | None, version: int
) -> AuditRecord:
    subject = after or before
    assert subject is not None, "a change has a rule on at least one side"
    return scope.audit_record(
        (RULE_RESOURCE, subject.id), version, (_document(before), _document(after))
    )


async def record_rule_change(
    scope: Scope, before: AnsweringRule | None, after: AnsweringRule | None, version: int
) -> None:
    await scope.repos.audit.insert_audit(_change_record(scope, before, after, version))


async def save_rule(scope: Scope, before: AnsweringRule, after: AnsweringRule) -> AnsweringRule:
    """Write ``after`` as the next version of ``before`` and audit the change."""
    saved = replace(after, version=before.version + 1)
    record = _change_record(scope, before, saved, saved.version)
    if not await scope.repos.save_rule_change(saved, before.version, record):
        raise preconditions.changed_meanwhile("The answering rule", "ruleId")
    return saved
