"""Use cases for an extension's business hours."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ringforward.domain.answering_rules import parse_weekly_ranges
from ringforward.domain.errors import invalid, missing
from ringforward.domain.model import BusinessHours
from ringforward.service.access import Principal, Target
from ringforward.service.schema import check_schema
from ringforward.service.scope import editing, reading
from ringforward.store.codec import weekly_to_json
from ringforward.store.database import Database


@dataclass(frozen=True)
class HoursView:
    target: Target
    hours: BusinessHours


async def get_business_hours(
    db: Database, principal: Principal, account_ref: str, extension_ref: str
) -> HoursView:
    async with reading(db, principal, account_ref, extension_ref) as scope:
        return HoursView(
            scope.target, await scope.repos.extensions.get_business_hours(scope.extension.id)
        )


def parse_business_hours(body: Mapping[str, Any]) -> BusinessHours:
    """``{"schedule": {"weeklyRanges": …}}``; no ranges at all means open 24/7."""
    schedule = body.get("schedule")
    if schedule is None:
        raise missing("schedule")
    if not isinstance(schedule, Mapping):
        raise invalid("schedule", "must be an object")
    weekly = schedule.get("weeklyRanges") or {}
    return BusinessHours(parse_weekly_ranges(weekly, "schedule.weeklyRanges"))


def _document(hours: BusinessHours) -> str:
    return json.dumps(weekly_to_json(hours.weekly_ranges))


async def update_business_hours(
    db: Database,
    principal: Principal,
    account_ref: str,
    extension_ref: str,
    body: Mapping[str, Any],
) -> HoursView:
    hours = parse_business_hours(check_schema(body, "UserBusinessHoursUpdateRequest"))
    async with editing(db, principal, account_ref, extension_ref) as scope:
        extension_id = scope.extension.id
        before = await scope.repos.extensions.get_business_hours(extension_id)
        await scope.repos.extensions.save_business_hours(extension_id, hours)
        await scope.record_change(
            "business-hours",
            extension_id,
            version=0,
            before=_document(before),
            after=_document(hours),
        )
        return HoursView(scope.target, hours)
