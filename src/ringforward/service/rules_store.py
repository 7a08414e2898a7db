"""Saving an answering rule: version bump, optimistic check and audit in one place."""

from __future__ import annotations

from dataclasses import replace

from ringforward.domain.model import AnsweringRule
from ringforward.service import preconditions
from ringforward.service.scope import Scope
from ringforward.store.codec import rule_to_document

RULE_RESOURCE = "answering-rule"


def etag_of(rule: AnsweringRule) -> str:
    return f'"{rule.id}-v{rule.version}"'


def check_if_match(rule: AnsweringRule, if_match: str | None) -> None:
    preconditions.check_if_match(etag_of(rule), if_match, subject="The answering rule")


def _document(rule: AnsweringRule | None) -> str | None:
    return rule_to_document(rule) if rule is not None else None


async def record_rule_change(
    scope: Scope, before: AnsweringRule | None, after: AnsweringRule | None, version: int
) -> None:
    subject = after or before
    assert subject is not None, "a change has a rule on at least one side"
    await scope.record_change(
        RULE_RESOURCE, subject.id, version=version, before=_document(before), after=_document(after)
    )


async def save_rule(scope: Scope, before: AnsweringRule, after: AnsweringRule) -> AnsweringRule:
    """Write ``after`` as the next version of ``before`` and audit the change."""
    saved = replace(after, version=before.version + 1)
    if not await scope.repos.rules.update_rule(saved, previous_version=before.version):
        raise preconditions.changed_meanwhile("The answering rule", "ruleId")
    await record_rule_change(scope, before, saved, saved.version)
    return saved
