"""Answering rules from RingCentral-shaped request bodies: create, merge on PUT, validate."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from ringforward.domain.errors import ErrorCollector, ValidationError, invalid, missing
from ringforward.domain.forwarding_list import resolve_forwarding_rules
from ringforward.domain.model import (
    MAX_RING_COUNT,
    STANDARD_RULE_IDS,
    USER_CALL_HANDLING_ACTIONS,
    WEEKDAYS,
    AnsweringRule,
    Caller,
    DateRange,
    ForwardingNumber,
    ForwardingSettings,
    MissedCall,
    Schedule,
    TimeRange,
    UnconditionalForwarding,
    Voicemail,
)
from ringforward.domain.phone import normalize_phone_number
from ringforward.domain.schedule import checked_instant, parse_hhmm

Body = Mapping[str, Any]


@dataclass(frozen=True)
class RuleContext:
    """What validating a rule needs to know about its extension and account."""

    extension_id: str
    forwarding_numbers: tuple[ForwardingNumber, ...]
    account_extension_ids: frozenset[str]
    region: str = "US"


_FORWARDING_FLAGS = {
    "notifyMySoftPhones": "notify_my_soft_phones",
    "softPhonesAlwaysRing": "soft_phones_always_ring",
    "softPhonesPositionTop": "soft_phones_position_top",
}


def new_custom_rule(
    body: Body, *, rule_id: str, position: int, context: RuleContext
) -> AnsweringRule:
    """A custom rule from a POST body (name, action and at least one condition required)."""
    rule_type = body.get("type", "Custom")
    if rule_type != "Custom":
        raise invalid("type", "only Custom rules can be created")
    if not body.get("name"):
        raise missing("name")
    if not body.get("callHandlingAction"):
        raise missing("callHandlingAction")
    blank = AnsweringRule(
        id=rule_id, extension_id=context.extension_id, type="Custom", name="", position=position
    )
    return merge_rule_update(blank, body, context)


def merge_rule_update(rule: AnsweringRule, body: Body, context: RuleContext) -> AnsweringRule:
    """The rule after a PUT: absent fields keep their value, ``forwarding`` merges key by key."""
    if "id" in body and body["id"] is not None and str(body["id"]) != rule.id:
        raise invalid("id", "does not match the rule in the path")
    if "type" in body and body["type"] is not None and body["type"] != rule.type:
        raise invalid("type", "the type of an answering rule cannot change")
    changes: dict[str, Any] = {}
    if body.get("name") is not None:
        changes["name"] = _text(body["name"], "name", max_length=64)
    if body.get("enabled") is not None:
        changes["enabled"] = body["enabled"]
    if body.get("callHandlingAction") is not None:
        changes["call_handling_action"] = body["callHandlingAction"]
    if body.get("screening") is not None:
        changes["screening"] = body["screening"]
    if body.get("greetings") is not None:
        changes["greetings"] = _greetings(body["greetings"])
    conditions_given = any(body.get(key) is not None for key in ("callers", "calledNumbers"))
    if (conditions_given or body.get("schedule") is not None) and not rule.is_custom:
        _refuse_condition_on_standard_rule(rule, body)
    if body.get("callers") is not None:
        changes["callers"] = _callers(body["callers"], context.region)
    if body.get("calledNumbers") is not None:
        changes["called_numbers"] = _called_numbers(body["calledNumbers"], context.region)
    if body.get("schedule") is not None and rule.is_custom:
        changes["schedule"] = parse_schedule(body["schedule"], "schedule")
    if body.get("forwarding") is not None:
        changes["forwarding"] = _merge_forwarding(rule.forwarding, body["forwarding"], context)
    if body.get("unconditionalForwarding") is not None:
        changes["unconditional_forwarding"] = _unconditional(
            body["unconditionalForwarding"], context.region
        )
    if body.get("transfer") is not None:
        changes["transfer_extension_id"] = _transfer_target(body["transfer"])
    if body.get("voicemail") is not None:
        changes["voicemail"] = _merge_voicemail(rule.voicemail, body["voicemail"])
    if body.get("missedCall") is not None:
        changes["missed_call"] = _missed_call(body["missedCall"], context.region)
    updated = replace(rule, **changes)
    validate_rule(updated, context)
    return updated


def validate_rule(rule: AnsweringRule, context: RuleContext) -> None:
    """Whole-rule checks that hold whatever the request looked like."""
    problems = ErrorCollector()
    action = rule.call_handling_action
    if action not in USER_CALL_HANDLING_ACTIONS:
        problems.add(
            f"callHandlingAction {action!r} is not available for a user extension",
            "callHandlingAction",
        )
    if action == "UnconditionalForwarding" and rule.unconditional_forwarding is None:
        problems.add(
            "UnconditionalForwarding needs a phone number",
            "unconditionalForwarding.phoneNumber",
            "CMN-100",
        )
    if action == "TransferToExtension":
        target = rule.transfer_extension_id
        if target is None:
            problems.add(
                "TransferToExtension needs an extension", "transfer.extension.id", "CMN-100"
            )
        elif target not in context.account_extension_ids:
            problems.add(f"Extension {target!r} is not in this account", "transfer.extension.id")
    recipient = rule.voicemail.recipient_id
    if recipient is not None and recipient not in context.account_extension_ids:
        # Like a transfer target: an id of another account would route its messages there.
        problems.add(f"Extension {recipient!r} is not in this account", "voicemail.recipient.id")
    missed = rule.missed_call
    if (
        missed
        and missed.action_type == "ConnectToExtension"
        and missed.extension_id not in context.account_extension_ids
    ):
        problems.add("missedCall needs an extension of this account", "missedCall.extension.id")
    if rule.is_custom:
        if not rule.name.strip():
            problems.add("A custom rule needs a name", "name", "CMN-100")
        schedule = rule.schedule
        has_schedule = schedule is not None and bool(
            schedule.ref or schedule.ranges or (schedule.weekly_ranges or {})
        )
        if not (rule.callers or rule.called_numbers or has_schedule):
            problems.add(
                "A custom rule needs at least one condition: callers, calledNumbers or schedule",
                "callers",
                "CMN-100",
            )
    problems.raise_if_any()


def _refuse_condition_on_standard_rule(rule: AnsweringRule, body: Body) -> None:
    for key in ("callers", "calledNumbers"):
        if body.get(key):
            raise invalid(key, f"{rule.id} has no caller or called-number conditions")
    schedule = body.get("schedule")
    expected_ref = STANDARD_RULE_IDS.get(rule.id)
    if schedule and schedule != {"ref": expected_ref}:
        raise invalid("schedule", f"the schedule of {rule.id} is set through business-hours")


def _text(value: Any, parameter: str, *, max_length: int) -> str:
    if not isinstance(value, str) or len(value) > max_length:
        raise invalid(parameter, f"must be text of at most {max_length} characters")
    return value


def _callers(raw: Sequence[Mapping[str, Any]], region: str) -> tuple[Caller, ...]:
    callers = []
    for position, entry in enumerate(raw):
        caller_id = entry.get("callerId")
        path = f"callers[{position}].callerId"
        if caller_id is None:
            raise missing(path)
        number = normalize_phone_number(caller_id, region=region, parameter_name=path)
        callers.append(Caller(number, entry.get("name")))
    return tuple(callers)


def _called_numbers(raw: Sequence[Mapping[str, Any]], region: str) -> tuple[str, ...]:
    numbers = []
    for position, entry in enumerate(raw):
        path = f"calledNumbers[{position}].phoneNumber"
        if entry.get("phoneNumber") is None:
            raise missing(path)
        numbers.append(
            normalize_phone_number(entry["phoneNumber"], region=region, parameter_name=path)
        )
    return tuple(numbers)


def parse_weekly_ranges(raw: Mapping[str, Any], path: str) -> dict[str, tuple[TimeRange, ...]]:
    """Weekly ranges ``{"monday": [{"from": "09:00", "to": "18:00"}]}``, each time checked."""
    weekly: dict[str, tuple[TimeRange, ...]] = {}
    for day, ranges in raw.items():
        if day not in WEEKDAYS:
            raise invalid(f"{path}.{day}", "not a day of the week")
        day_ranges = []
        for position, entry in enumerate(ranges or []):
            range_path = f"{path}.{day}[{position}]"
            start = _time_of_day(entry.get("from"), f"{range_path}.from")
            end = _time_of_day(entry.get("to"), f"{range_path}.to")
            if start == end:
                raise invalid(range_path, "a range must not be empty")
            day_ranges.append(TimeRange(entry["from"], entry["to"]))
        if day_ranges:
            weekly[day] = tuple(day_ranges)
    return weekly


def _time_of_day(value: Any, path: str) -> int:
    if value is None:
        raise missing(path)
    try:
        return parse_hhmm(value)
    except (ValueError, TypeError) as error:
        raise invalid(path, "expected a time as hh:mm") from error


def parse_schedule(raw: Mapping[str, Any], path: str) -> Schedule:
    weekly = raw.get("weeklyRanges")
    ranges = []
    for position, entry in enumerate(raw.get("ranges") or []):
        start = _instant(entry.get("from"), f"{path}.ranges[{position}].from")
        end = _instant(entry.get("to"), f"{path}.ranges[{position}].to")
        if (start.tzinfo is None) != (end.tzinfo is None) or end <= start:
            raise invalid(f"{path}.ranges[{position}]", "'to' must come after 'from'")
        ranges.append(DateRange(start, end))
    return Schedule(
        weekly_ranges=parse_weekly_ranges(weekly, f"{path}.weeklyRanges") if weekly else None,
        ranges=tuple(ranges),
        ref=raw.get("ref"),
    )


def _instant(value: Any, path: str) -> datetime:
    if value is None:
        raise missing(path)
    try:
        instant = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as error:
        raise invalid(path, "expected an ISO-8601 date and time") from error
    return checked_instant(instant, path)


def _merge_forwarding(
    current: ForwardingSettings, raw: Mapping[str, Any], context: RuleContext
) -> ForwardingSettings:
    changes: dict[str, Any] = {}
    for wire_name, field_name in _FORWARDING_FLAGS.items():
        if raw.get(wire_name) is not None:
            changes[field_name] = raw[wire_name]
    if raw.get("softPhonesRingCount") is not None:
        count = raw["softPhonesRingCount"]
        if not 0 <= count <= MAX_RING_COUNT:
            raise invalid("forwarding.softPhonesRingCount", f"must be 0..{MAX_RING_COUNT}")
        changes["soft_phones_ring_count"] = count
    if raw.get("ringingMode") is not None:
        changes["ringing_mode"] = raw["ringingMode"]
    if raw.get("rules") is not None:
        changes["groups"] = resolve_forwarding_rules(
            raw["rules"], context.forwarding_numbers, region=context.region
        )
    return replace(current, **changes)


def _unconditional(raw: Mapping[str, Any], region: str) -> UnconditionalForwarding:
    path = "unconditionalForwarding.phoneNumber"
    if raw.get("phoneNumber") is None:
        raise missing(path)
    number = normalize_phone_number(raw["phoneNumber"], region=region, parameter_name=path)
    return UnconditionalForwarding(number, raw.get("action"))


def _transfer_target(raw: Mapping[str, Any]) -> str:
    extension = raw.get("extension") or {}
    if extension.get("id") is None:
        raise missing("transfer.extension.id")
    return str(extension["id"])


def _greetings(raw: Sequence[Mapping[str, Any]]) -> tuple[Mapping[str, Any], ...]:
    """Preset greetings, kept verbatim. A custom greeting names a recording of the
    extension; none is kept here, so any custom id would name something not its own."""
    for position, greeting in enumerate(raw):
        if greeting.get("custom") is not None:
            raise invalid(
                f"greetings[{position}].custom.id",
                "this extension has no such custom greeting; apply a preset greeting",
            )
    return tuple(raw)


def _merge_voicemail(current: Voicemail, raw: Mapping[str, Any]) -> Voicemail:
    enabled = raw["enabled"] if raw.get("enabled") is not None else current.enabled
    recipient = raw.get("recipient") or {}
    recipient_id = str(recipient["id"]) if recipient.get("id") is not None else current.recipient_id
    return Voicemail(enabled, recipient_id)


def _missed_call(raw: Mapping[str, Any], region: str) -> MissedCall:
    action_type = raw.get("actionType")
    if action_type is None:
        raise missing("missedCall.actionType")
    extension_id = (raw.get("extension") or {}).get("id")
    external = (raw.get("externalNumber") or {}).get("phoneNumber")
    if action_type == "ConnectToExternalNumber":
        path = "missedCall.externalNumber.phoneNumber"
        if external is None:
            raise missing(path)
        external = normalize_phone_number(external, region=region, parameter_name=path)
    if action_type == "ConnectToExtension" and extension_id is None:
        raise missing("missedCall.extension.id")
    return MissedCall(action_type, str(extension_id) if extension_id else None, external)


__all__ = [
    "RuleContext",
    "ValidationError",
    "merge_rule_update",
    "new_custom_rule",
    "parse_schedule",
    "parse_weekly_ranges",
    "validate_rule",
]
