"""States: work-hours (with its weekly schedule), after-hours, dnd and forward-all-calls."""

from __future__ import annotations

import re
from typing import Any

from ringforward.domain.comm_handling.model import (
    AFTER_HOURS,
    DND,
    FORWARD_ALL_CALLS,
    STATE_NAMES,
    WORK_HOURS,
)
from ringforward.domain.errors import invalid, not_found
from ringforward.domain.model import WEEKDAYS, TimeRange, WeeklyRanges

_TIME = re.compile(r"([01][0-9]|2[0-4]):([0-5][0-9])(?::([0-5][0-9]))?")
Weekly = dict[str, list[dict[str, str]]]


def state_document(state_id: str, *, enabled: bool, weekly: Weekly | None = None) -> dict[str, Any]:
    conditions: list[dict[str, Any]] = []
    if weekly:
        conditions = [
            {
                "type": "Schedule",
                "schedule": {"triggers": [{"triggerType": "Weekly", "ranges": weekly}]},
            }
        ]
    return {
        "id": state_id,
        "displayName": STATE_NAMES[state_id],
        "enabled": enabled,
        "conditions": conditions,
    }


def initial_states(weekly: Weekly | None) -> list[dict[str, Any]]:
    """A new enhanced extension's states; after-hours only when work-hours has a schedule."""
    states = [state_document(WORK_HOURS, enabled=True, weekly=weekly)]
    if weekly:
        states.append(state_document(AFTER_HOURS, enabled=True))
    states += [state_document(DND, enabled=False), state_document(FORWARD_ALL_CALLS, enabled=False)]
    return states


def parse_time(raw: str, path: str) -> str:
    match = _TIME.fullmatch(raw)
    if match is None or (match.group(1) == "24" and match.group(2) != "00"):
        raise invalid(path, "expected a time of day HH:MM:SS")
    return f"{match.group(1)}:{match.group(2)}:{match.group(3) or '00'}"


def _minutes(text: str) -> int:
    return int(text[:2]) * 60 + int(text[3:5])


def weekly_from_conditions(conditions: list[dict[str, Any]], path: str) -> Weekly | None:
    """The work-hours schedule a PATCH sends; None means 24/7 (no day has a range, or every
    day is covered whole)."""
    condition = conditions[0]
    if condition["type"] != "Schedule":
        raise invalid(f"{path}[0].type", "work-hours takes a Schedule condition")
    triggers = condition["schedule"]["triggers"]
    if len(triggers) != 1 or triggers[0]["triggerType"] != "Weekly":
        raise invalid(f"{path}[0].schedule.triggers", "work-hours takes one Weekly trigger")
    weekly: Weekly = {}
    for day in WEEKDAYS:
        ranges = triggers[0]["ranges"].get(day) or []
        day_path = f"{path}[0].schedule.triggers[0].ranges.{day}"
        checked = []
        for index, entry in enumerate(ranges):
            start = parse_time(entry["startTime"], f"{day_path}[{index}].startTime")
            end = parse_time(entry["endTime"], f"{day_path}[{index}].endTime")
            if _minutes(end) <= _minutes(start) and end != "00:00:00":
                raise invalid(f"{day_path}[{index}].endTime", "must come after startTime")
            checked.append({"startTime": start, "endTime": end})
        if checked:
            weekly[day] = checked
    whole_week = len(weekly) == len(WEEKDAYS) and all(
        any(
            r["startTime"] == "00:00:00"
            and r["endTime"] in ("24:00:00", "23:59:00", "23:59:59", "00:00:00")
            for r in day_ranges
        )
        for day_ranges in weekly.values()
    )
    return None if not weekly or whole_week else weekly


def weekly_of(state: dict[str, Any]) -> Weekly | None:
    for condition in state.get("conditions", []):
        if condition.get("type") == "Schedule":
            for trigger in condition["schedule"]["triggers"]:
                if trigger.get("triggerType") == "Weekly":
                    ranges: Weekly = trigger["ranges"]
                    return ranges
    return None


def weekly_time_ranges(weekly: Weekly | None) -> WeeklyRanges:
    """The schedule as the engine's weekly ranges (``HH:MM``; an end of 00:00 is midnight)."""
    result: dict[str, tuple[TimeRange, ...]] = {}
    for day, ranges in (weekly or {}).items():
        result[day] = tuple(
            TimeRange(
                r["startTime"][:5], "24:00" if r["endTime"][:5] == "00:00" else r["endTime"][:5]
            )
            for r in ranges
        )
    return result


def patched_state(state: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """``state`` after a PATCH: ``enabled`` and ``conditions`` replace what is stored."""
    state_id = state["id"]
    enabled = state["enabled"]
    weekly = weekly_of(state)
    if "enabled" in body:
        if state_id in (WORK_HOURS, AFTER_HOURS) and body["enabled"] is not True:
            raise invalid("enabled", f"{state_id} cannot be disabled")
        enabled = body["enabled"]
    if "conditions" in body:
        if state_id != WORK_HOURS:
            raise invalid("conditions", f"{state_id} has no schedule of its own")
        weekly = weekly_from_conditions(body["conditions"], "conditions")
    return state_document(state_id, enabled=enabled, weekly=weekly)


def checked_state_id(state_id: str, existing: list[str]) -> str:
    if state_id not in existing:
        raise not_found("stateId")
    return state_id
