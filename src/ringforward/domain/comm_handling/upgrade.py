"""Upgrading an extension's v1 answering rules to enhanced call handling.

Each rule's ring timeline is worked out by the v1 engine and written down as Custom
dispatching (one RingGroupAction per ring step, at its offset and for its length), and
its final action as the matching TerminatingAction, so every call is answered the same
way after the upgrade. Business hours become the work-hours schedule; custom rules become
interaction rules with the same ids, order and conditions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ringforward.domain.comm_handling.model import (
    AFTER_HOURS,
    ALL_DESKTOP,
    ALL_MOBILE,
    APP_TARGET_NAMES,
    WORK_HOURS,
    preset_greeting,
)
from ringforward.domain.comm_handling.states import Weekly, initial_states
from ringforward.domain.model import (
    WEEKDAYS,
    AnsweringRule,
    BusinessHours,
    DateRange,
    ForwardingNumber,
    Schedule,
    WeeklyRanges,
)
from ringforward.domain.phone import DEFAULT_REGION
from ringforward.domain.ring_timeline import APPS, FinalAction, RingStep, answer


@dataclass(frozen=True)
class UpgradedExtension:
    states: list[dict[str, Any]]
    state_rules: dict[str, dict[str, Any]]
    # (position, rule document), in the order they are tried.
    interaction_rules: list[tuple[int, dict[str, Any]]]


def _time(hhmm: str) -> str:
    return f"{hhmm}:00"


def weekly_of(ranges: WeeklyRanges | None) -> Weekly | None:
    weekly: Weekly = {
        day: [{"startTime": _time(r.start), "endTime": _time(r.end)} for r in ranges[day]]
        for day in WEEKDAYS
        if ranges and ranges.get(day)
    }
    return weekly or None


def _targets(step: RingStep) -> list[dict[str, Any]]:
    targets: list[dict[str, Any]] = []
    for entry in step.ring:
        if entry == APPS:
            targets += [{"type": k, "name": APP_TARGET_NAMES[k]} for k in (ALL_DESKTOP, ALL_MOBILE)]
        else:
            targets.append({"type": "PhoneNumberRingTarget", "destination": {"phoneNumber": entry}})
    for device in step.devices:
        device_id = device.device_id or device.forwarding_number_id
        targets.append(
            {"type": "DeviceRingTarget", "name": device.label, "device": {"id": device_id}}
        )
    return targets


def _ending_target(target_type: str, name: str, **fields: Any) -> dict[str, Any]:
    """A terminating target that ends the call's dispatching where it stands."""
    return {"type": target_type, "name": name, "dispatchingType": "Terminating", **fields}


def _terminating(final: FinalAction) -> dict[str, Any] | None:
    if final.action == "Disconnect":
        return None
    target: dict[str, Any]
    if final.action == "Voicemail":
        target = {
            "type": "VoiceMailTerminatingTarget",
            "name": "Voicemail",
            "prompt": {"greeting": preset_greeting()},
        }
        if final.target:
            target["extension"] = {"id": final.target}
    elif final.action == "Forward":
        target = _ending_target(
            "PhoneNumberTerminatingTarget",
            "Phone number",
            destination={"phoneNumber": final.target},
        )
    elif final.action == "Transfer":
        target = _ending_target(
            "ExtensionTerminatingTarget", "Extension", extension={"id": final.target}
        )
    else:
        target = _ending_target(
            "PlayAnnouncementTerminatingTarget",
            "Announcement",
            prompt={"greeting": preset_greeting()},
        )
    return {"type": "TerminatingAction", "targets": [target]}


def dispatching_of(
    rule: AnsweringRule,
    extension_id: str,
    numbers: Mapping[str, ForwardingNumber],
    *,
    region: str = DEFAULT_REGION,
) -> dict[str, Any]:
    """The rule's timeline and ending as v2 dispatching."""
    if rule.call_handling_action == "TransferToExtension" and rule.transfer_extension_id:
        final = FinalAction("Transfer", 0, rule.transfer_extension_id)
        steps: list[RingStep] = []
    else:
        steps, final = answer(rule, extension_id, numbers, region=region)
    actions: list[dict[str, Any]] = [
        {
            "type": "RingGroupAction",
            "enabled": True,
            "duration": step.end - step.start,
            "customStartOffset": step.start,
            "targets": _targets(step),
        }
        for step in steps
    ]
    terminating = _terminating(final)
    if terminating is not None:
        actions.append(terminating)
    if not actions:
        # The spec wants at least one action; a silent greeting ends in a disconnect.
        actions.append(
            {"type": "PlayWelcomePromptAction", "enabled": False, "greeting": preset_greeting()}
        )
    # Terminate rings nobody and hands a transfer over at once (v1 TransferToExtension);
    # a forwarding list stays Custom even when it rings nobody, so its missed-call
    # transfer stays the end of the flow, as in v1.
    ringing = steps or rule.call_handling_action == "ForwardCalls"
    return {"type": "Custom" if ringing else "Terminate", "actions": actions}


def _bound(at: datetime) -> str:
    if at.tzinfo is None:
        return at.isoformat()
    return at.astimezone(UTC).replace(tzinfo=None).isoformat() + "Z"


def _range_trigger(ranges: Sequence[DateRange]) -> dict[str, Any]:
    return {
        "triggerType": "Range",
        "ranges": [
            {"startDateTime": _bound(r.start), "endDateTime": _bound(r.end)} for r in ranges
        ],
    }


def conditions_of(rule: AnsweringRule) -> list[dict[str, Any]]:
    conditions: list[dict[str, Any]] = []
    if rule.callers or rule.called_numbers:
        conditions.append(
            {
                "type": "Interaction",
                "from": [{"phoneNumber": c.caller_id, "name": c.name or ""} for c in rule.callers],
                "to": list(rule.called_numbers),
            }
        )
    schedule: Schedule | None = rule.schedule
    if schedule is not None:
        triggers: list[dict[str, Any]] = []
        weekly = weekly_of(schedule.weekly_ranges)
        if weekly:
            triggers.append({"triggerType": "Weekly", "ranges": weekly})
        if schedule.ranges:
            triggers.append(_range_trigger(schedule.ranges))
        if triggers:
            conditions.append({"type": "Schedule", "schedule": {"triggers": triggers}})
        if schedule.ref is not None:
            state = WORK_HOURS if schedule.ref == "BusinessHours" else AFTER_HOURS
            conditions.append({"type": "State", "state": {"id": state}})
    return conditions


def upgrade_extension(
    extension_id: str,
    business_hours: BusinessHours,
    rules: Sequence[AnsweringRule],
    numbers: Mapping[str, ForwardingNumber],
    *,
    region: str = DEFAULT_REGION,
) -> UpgradedExtension:
    weekly = None if business_hours.is_always_open else weekly_of(business_hours.weekly_ranges)
    states = initial_states(weekly)
    state_rules: dict[str, dict[str, Any]] = {}
    customs: list[tuple[int, dict[str, Any]]] = []
    for rule in sorted(rules, key=lambda r: r.position):
        dispatching = dispatching_of(rule, extension_id, numbers, region=region)
        if rule.type == "BusinessHours":
            state_rules[WORK_HOURS] = dispatching
        elif rule.type == "AfterHours":
            if weekly:
                state_rules[AFTER_HOURS] = dispatching
        else:
            document = {
                "id": rule.id,
                "displayName": rule.name[:64] or rule.id,
                "enabled": rule.enabled,
                "conditions": conditions_of(rule),
                "dispatching": dispatching,
            }
            customs.append((rule.position, document))
    return UpgradedExtension(states, state_rules, customs)
