"""Use cases for an extension's business hours."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ringforward.domain.answering_rules import parse_weekly_ranges
from ringforward.domain.errors import invalid, missing
from ringforward.domain.model import BusinessHours
from ringforward.service.access import Principal, Target, resolve_target
from ringforward.service.audit import next_version, record_change
from ringforward.store.codec import weekly_to_json
from ringforward.store.database import Database
from ringforward.store.repository import Repository


async def get_business_hours(
    db: Database, principal: Principal, account_ref: str, extension_ref: str
) -> tuple[Target, BusinessHours]:
    async with db.reading() as uow:
        repo = Repository(uow)
        target = await resolve_target(repo, principal, account_ref, extension_ref)
        return target, await repo.get_business_hours(target.extension.id)


def parse_business_hours(body: Mapping[str, Any]) -> BusinessHours:
    """``{"schedule": {"weeklyRanges": …}}``; no ranges at all means open 24/7."""
    schedule = body.get("schedule")
    if schedule is None:
        raise missing("schedule")
    if not isinstance(schedule, Mapping):
        raise invalid("schedule", "must be an object")
    weekly = schedule.get("weeklyRanges") or {}
    return BusinessHours(parse_weekly_ranges(weekly, "schedule.weeklyRanges"))


async def update_business_hours(
    db: Database,
    principal: Principal,
    account_ref: str,
    extension_ref: str,
    body: Mapping[str, Any],
) -> tuple[Target, BusinessHours]:
    hours = parse_business_hours(body)
    async with db.writing() as uow:
        repo = Repository(uow)
        target = await resolve_target(repo, principal, account_ref, extension_ref)
        await repo.lock_extension(target.extension.id)
        before = await repo.get_business_hours(target.extension.id)
        await repo.save_business_hours(target.extension.id, hours)
        await record_change(
            repo,
            principal,
            target,
            resource_type="business-hours",
            resource_id=target.extension.id,
            version=await next_version(repo, target, "business-hours", target.extension.id),
            before=json.dumps(weekly_to_json(before.weekly_ranges)),
            after=json.dumps(weekly_to_json(hours.weekly_ranges)),
        )
        return target, hours
