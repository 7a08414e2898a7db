"""Saving an answering rule: version bump, optimistic check and audit in one place."""

from __future__ import annotations

from dataclasses import replace

from ringforward.domain.errors import PreconditionFailedError
from ringforward.domain.model import AnsweringRule
from ringforward.service.access import Principal, Target
from ringforward.service.audit import record_change
from ringforward.store.codec import rule_to_document
from ringforward.store.repository import Repository


def etag_of(rule: AnsweringRule) -> str:
    return f'"{rule.id}-v{rule.version}"'


def check_if_match(rule: AnsweringRule, if_match: str | None) -> None:
    """Refuse a write made from a stale read (our optional ``If-Match`` extension)."""
    if if_match is None:
        return
    tags = {tag.strip().removeprefix("W/") for tag in if_match.split(",")}
    if "*" in tags or etag_of(rule) in tags:
        return
    raise PreconditionFailedError(
        "The answering rule was changed since it was read; read it again and retry",
        parameter_name="If-Match",
    )


async def save_rule(
    repo: Repository,
    principal: Principal,
    target: Target,
    before: AnsweringRule,
    after: AnsweringRule,
) -> AnsweringRule:
    """Write ``after`` as the next version of ``before`` and audit the change."""
    saved = replace(after, version=before.version + 1)
    if not await repo.update_rule(saved, previous_version=before.version):
        raise PreconditionFailedError(
            "The answering rule was changed by another request; retry", parameter_name="ruleId"
        )
    await record_change(
        repo,
        principal,
        target,
        resource_type="answering-rule",
        resource_id=saved.id,
        version=saved.version,
        before=rule_to_document(before),
        after=rule_to_document(saved),
    )
    return saved
