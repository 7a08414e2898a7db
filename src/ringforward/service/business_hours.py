"""Use cases for an extension's business hours."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ringforward.domain.answering_rules import parse_weekly_ranges
from ringforward.domain.errors import invalid, missing
from ringforward.domain.model import BusinessHours
from ringforward.service.access import Target
from ringforward.service.read_model import cached
from ringforward.service.schema import check_schema
from ringforward.service.scope import ExtensionCall, editing, reading
from ringforward.store.codec import weekly_to_json

HOURS_RESOURCE = "business-hours"


@dataclass(frozen=True)
class HoursView:
    target: Target
    hours: BusinessHours


async def get_business_hours(ext: ExtensionCall, *, fresh: bool = False) -> HoursView:
    async def load() -> HoursView:
        async with reading(ext) as scope:
            return HoursView(
                scope.target, await scope.repos.extensions.get_business_hours(scope.extension.id)
            )

    return await cached(ext, ("hours",), load, fresh=fresh)


def parse_business_hours(body: Mapping[str, Any]) -> BusinessHours:
    """``{"schedule": {"weeklyRanges": …}}``; no ranges at all means open 24/7."""
    schedule = body.get("schedule")
    if schedule is None:
        raise missing("schedule")
    if not isinstance(schedule, Mapping):
        raise invalid("schedule", "must be an object")
    weekly = schedule.get("weeklyRanges") or {}
    return BusinessHours(parse_weekly_ranges(weekly, "schedule.weeklyRanges"))


def hours_document(hours: BusinessHours) -> str:
    """How business hours are kept in the audit trail."""
    return json.dumps(weekly_to_json(hours.weekly_ranges))


async def update_business_hours(ext: ExtensionCall, body: Mapping[str, Any]) -> HoursView:
    hours = parse_business_hours(check_schema(body, "UserBusinessHoursUpdateRequest"))
    async with editing(ext) as scope:
        extension_id = scope.extension.id
        before = await scope.repos.extensions.get_business_hours(extension_id)
        await scope.repos.extensions.save_business_hours(extension_id, hours)
        await scope.record_trail_change(
            HOURS_RESOURCE, extension_id, before=hours_document(before), after=hours_document(hours)
        )
        return HoursView(scope.target, hours)
