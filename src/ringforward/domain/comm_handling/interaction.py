"""Interaction rules: the user's own rules by caller, called number, schedule and state."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from ringforward.domain.comm_handling.dispatching import References, normalize_dispatching
from ringforward.domain.comm_handling.states import parse_time
from ringforward.domain.errors import invalid
from ringforward.domain.model import WEEKDAYS
from ringforward.domain.phone import normalize_phone_number

MAX_NAME_LENGTH = 64
_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}")


def _datetime(raw: str, path: str) -> str:
    if not _DATETIME.match(raw):
        raise invalid(path, "expected a date and time YYYY-MM-DDTHH:MM:SS")
    try:
        datetime.fromisoformat(raw[:19])
    except ValueError as error:
        raise invalid(path, "not a date and time") from error
    return raw[:19]


def _trigger(trigger: dict[str, Any], path: str) -> dict[str, Any]:
    kind = trigger["triggerType"]
    if kind == "Daily":
        return {
            "triggerType": kind,
            "startTime": parse_time(trigger["startTime"], f"{path}.startTime"),
            "endTime": parse_time(trigger["endTime"], f"{path}.endTime"),
        }
    if kind == "Weekly":
        ranges: dict[str, list[dict[str, str]]] = {}
        for day in WEEKDAYS:
            entries = trigger["ranges"].get(day) or []
            if entries:
                ranges[day] = [
                    {
                        "startTime": parse_time(
                            e["startTime"], f"{path}.ranges.{day}[{i}].startTime"
                        ),
                        "endTime": parse_time(e["endTime"], f"{path}.ranges.{day}[{i}].endTime"),
                    }
                    for i, e in enumerate(entries)
                ]
        if not ranges:
            raise invalid(f"{path}.ranges", "a weekly trigger needs at least one range")
        return {"triggerType": kind, "ranges": ranges}
    out = []
    for index, entry in enumerate(trigger["ranges"]):
        if "startDateTime" not in entry:
            raise invalid(f"{path}.ranges[{index}].startDateTime", "a range needs a start")
        start = _datetime(entry["startDateTime"], f"{path}.ranges[{index}].startDateTime")
        end = _datetime(entry["endDateTime"], f"{path}.ranges[{index}].endDateTime")
        if end <= start:
            raise invalid(f"{path}.ranges[{index}].endDateTime", "must come after the start")
        out.append({"startDateTime": start, "endDateTime": end})
    return {"triggerType": kind, "ranges": out}


def _condition(condition: dict[str, Any], path: str, region: str) -> dict[str, Any]:
    kind = condition["type"]
    if kind == "Interaction":
        callers = [
            {
                "phoneNumber": normalize_phone_number(
                    str(entry["phoneNumber"]),
                    region=region,
                    parameter_name=f"{path}.from[{i}].phoneNumber",
                ),
                "name": entry["name"],
            }
            for i, entry in enumerate(condition["from"])
        ]
        called = [
            normalize_phone_number(str(number), region=region, parameter_name=f"{path}.to[{i}]")
            for i, number in enumerate(condition["to"])
        ]
        if not callers and not called:
            raise invalid(path, "an Interaction condition names callers or called numbers")
        return {"type": kind, "from": callers, "to": called}
    if kind == "State":
        return {"type": kind, "state": {"id": condition["state"]["id"]}}
    schedule = condition["schedule"]
    out: dict[str, Any] = {}
    for bound in ("startDateTime", "endDateTime"):
        if bound in schedule:
            out[bound] = _datetime(schedule[bound], f"{path}.schedule.{bound}")
    triggers = [
        _trigger(trigger, f"{path}.schedule.triggers[{i}]")
        for i, trigger in enumerate(schedule.get("triggers") or [])
    ]
    if triggers:
        out["triggers"] = triggers
    if not out:
        raise invalid(f"{path}.schedule", "a Schedule condition needs a range or a trigger")
    return {"type": kind, "schedule": out}


def normalize_conditions(conditions: list[dict[str, Any]], *, region: str) -> list[dict[str, Any]]:
    kinds = [condition["type"] for condition in conditions]
    if len(set(kinds)) != len(kinds):
        raise invalid("conditions", "each condition type at most once (all must hold)")
    return [
        _condition(condition, f"conditions[{index}]", region)
        for index, condition in enumerate(conditions)
    ]


def _name(raw: Any) -> str:
    name = str(raw).strip()
    if not name or len(name) > MAX_NAME_LENGTH:
        raise invalid("displayName", f"1 to {MAX_NAME_LENGTH} characters")
    return name


def interaction_rule(
    rule_id: str, body: dict[str, Any], *, region: str, current: dict[str, Any] | None = None
) -> tuple[dict[str, Any], References]:
    """The stored rule made from a create body, or ``current`` with a PATCH body applied:
    each field sent replaces the stored one whole; a field left out keeps its value."""
    base = dict(current or {})
    refs = References()
    rule: dict[str, Any] = {"id": rule_id}
    rule["displayName"] = (
        _name(body["displayName"]) if "displayName" in body else base["displayName"]
    )
    rule["enabled"] = bool(body["enabled"]) if "enabled" in body else base["enabled"]
    if "conditions" in body:
        rule["conditions"] = normalize_conditions(body["conditions"], region=region)
    else:
        rule["conditions"] = base["conditions"]
    if "dispatching" in body:
        normalized = normalize_dispatching(body["dispatching"], region=region)
        rule["dispatching"] = normalized.document
        refs.merge(normalized.references)
    else:
        rule["dispatching"] = base["dispatching"]
    return rule, refs
