"""Portal form fields to RingCentral-shaped request bodies, and back for re-filling forms."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from starlette.datastructures import FormData

from ringforward.domain.model import WEEKDAYS, AnsweringRule, BusinessHours, WeeklyRanges

# Submitted form fields, every field as the list of its values.
FormValues = Mapping[str, Sequence[str]]
MIN_RANGE_SLOTS = 2


def form_values(form: FormData) -> dict[str, list[str]]:
    return {key: [v for v in form.getlist(key) if isinstance(v, str)] for key in form}


def first(values: FormValues, key: str, default: str = "") -> str:
    found = values.get(key) or ()
    return found[0].strip() if found else default


def checked(values: FormValues, key: str) -> bool:
    return first(values, key) in ("on", "true", "1")


def lines(values: FormValues, key: str) -> list[str]:
    """One entry per non-blank line (or comma) of a text area."""
    text = first(values, key).replace(",", "\n")
    return [line.strip() for line in text.splitlines() if line.strip()]


def slot_field(day: str, slot: int, end: str) -> str:
    return f"{day}-{end}-{slot}"


def range_slots(values: Mapping[str, str], day: str) -> int:
    """How many from/to pairs to draw for ``day``: those filled in plus one blank."""
    filled = 0
    while values.get(slot_field(day, filled, "from")) or values.get(slot_field(day, filled, "to")):
        filled += 1
    return max(MIN_RANGE_SLOTS, filled + 1)


def weekly_ranges_body(values: FormValues) -> dict[str, list[dict[str, str]]]:
    """``weeklyRanges`` from the per-day slots; a slot with both ends blank is skipped, one
    with a single end is passed on so that the domain names the missing end."""
    weekly: dict[str, list[dict[str, str]]] = {}
    for day in WEEKDAYS:
        ranges: list[dict[str, str]] = []
        slot = 0
        while slot_field(day, slot, "from") in values or slot_field(day, slot, "to") in values:
            start = first(values, slot_field(day, slot, "from"))
            end = first(values, slot_field(day, slot, "to"))
            if start or end:
                entry = {}
                if start:
                    entry["from"] = start
                if end:
                    entry["to"] = end
                ranges.append(entry)
            slot += 1
        if ranges:
            weekly[day] = ranges
    return weekly


def business_hours_body(values: FormValues) -> dict[str, Any]:
    """The PUT body of business hours; "Open 24/7" is a schedule without ranges."""
    if first(values, "mode") == "always":
        return {"schedule": {"weeklyRanges": {}}}
    return {"schedule": {"weeklyRanges": weekly_ranges_body(values)}}


def weekly_values(weekly: WeeklyRanges | None) -> dict[str, str]:
    values: dict[str, str] = {}
    for day, ranges in (weekly or {}).items():
        for slot, span in enumerate(ranges):
            values[slot_field(day, slot, "from")] = span.start
            values[slot_field(day, slot, "to")] = span.end
    return values


def business_hours_values(hours: BusinessHours) -> dict[str, str]:
    values = weekly_values(hours.weekly_ranges)
    values["mode"] = "always" if hours.is_always_open else "weekly"
    return values


def action_body(values: FormValues) -> dict[str, Any]:
    """``callHandlingAction`` and the target it needs; a blank target is left out so that
    the domain's own "needs a phone number / extension" error is what the user sees."""
    action = first(values, "callHandlingAction")
    body: dict[str, Any] = {"callHandlingAction": action} if action else {}
    phone = first(values, "unconditionalPhoneNumber")
    if action == "UnconditionalForwarding" and phone:
        body["unconditionalForwarding"] = {"phoneNumber": phone}
    extension_id = first(values, "transferExtensionId")
    if action == "TransferToExtension" and extension_id:
        body["transfer"] = {"extension": {"id": extension_id}}
    return body


def schedule_body(values: FormValues) -> dict[str, Any]:
    kind = first(values, "scheduleKind", "none")
    if kind in ("BusinessHours", "AfterHours"):
        return {"ref": kind}
    if kind == "weekly":
        return {"weeklyRanges": weekly_ranges_body(values)}
    if kind == "dates":
        span: dict[str, str] = {}
        if first(values, "rangeFrom"):
            span["from"] = first(values, "rangeFrom")
        if first(values, "rangeTo"):
            span["to"] = first(values, "rangeTo")
        return {"ranges": [span]} if span else {}
    return {}


def custom_rule_body(values: FormValues) -> dict[str, Any]:
    """A custom rule's POST/PUT body; empty lists clear conditions on an existing rule."""
    body: dict[str, Any] = {
        "type": "Custom",
        "name": first(values, "name"),
        "enabled": checked(values, "enabled"),
        "callers": [{"callerId": caller} for caller in lines(values, "callers")],
        "calledNumbers": [{"phoneNumber": number} for number in lines(values, "calledNumbers")],
        "schedule": schedule_body(values),
    }
    body.update(action_body(values))
    return body


def rule_values(rule: AnsweringRule) -> dict[str, str]:
    """A rule as the flat field values of the rule form."""
    values: dict[str, str] = {
        "name": rule.name,
        "enabled": "on" if rule.enabled else "",
        "callers": "\n".join(c.caller_id for c in rule.callers),
        "calledNumbers": "\n".join(rule.called_numbers),
        "callHandlingAction": rule.call_handling_action,
        "scheduleKind": "none",
    }
    if rule.unconditional_forwarding:
        values["unconditionalPhoneNumber"] = rule.unconditional_forwarding.phone_number
    if rule.transfer_extension_id:
        values["transferExtensionId"] = rule.transfer_extension_id
    schedule = rule.schedule
    if schedule is not None:
        if schedule.ref:
            values["scheduleKind"] = schedule.ref
        elif schedule.weekly_ranges:
            values["scheduleKind"] = "weekly"
            values.update(weekly_values(schedule.weekly_ranges))
        elif schedule.ranges:
            values["scheduleKind"] = "dates"
            values["rangeFrom"] = schedule.ranges[0].start.strftime("%Y-%m-%dT%H:%M")
            values["rangeTo"] = schedule.ranges[0].end.strftime("%Y-%m-%dT%H:%M")
    return values


def flat(values: FormValues) -> dict[str, str]:
    """Submitted values as one string each, to draw the form again after a refusal."""
    return {key: "\n".join(found) for key, found in values.items()}


_FIELD_PREFIXES: tuple[tuple[str, str], ...] = (
    ("callers", "callers"),
    ("calledNumbers", "calledNumbers"),
    ("schedule.weeklyRanges", "schedule"),
    ("schedule", "schedule"),
    ("unconditionalForwarding", "unconditional"),
    ("transfer", "transfer"),
    ("callHandlingAction", "action"),
    ("name", "name"),
)


def rule_field_of(parameter_name: str | None) -> str:
    """The rule-form field an error's ``parameterName`` points at ("form" when none)."""
    for prefix, field in _FIELD_PREFIXES:
        if parameter_name and parameter_name.startswith(prefix):
            return field
    return "form"


def hours_field_of(parameter_name: str | None) -> str:
    """The weekday an error about ``schedule.weeklyRanges.<day>…`` points at."""
    for day in WEEKDAYS:
        if parameter_name and f".{day}" in parameter_name:
            return day
    return "form"
