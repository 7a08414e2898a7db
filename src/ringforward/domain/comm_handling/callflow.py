"""The call-flow engine on enhanced call handling: interaction rules, then states.

It answers with the same :class:`~ringforward.domain.callflow.CallFlow` as the v1 engine,
so the simulate document, the CLI and the portal timeline are shared.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ringforward.domain.callflow import Answered, Call, CallFlow, RuleRef, follow_transfers
from ringforward.domain.comm_handling.model import (
    AFTER_HOURS,
    ALL_DESKTOP,
    ALL_MOBILE,
    DND,
    FORWARD_ALL_CALLS,
    STATE_NAMES,
    WORK_HOURS,
)
from ringforward.domain.comm_handling.states import weekly_of, weekly_time_ranges
from ringforward.domain.errors import not_found
from ringforward.domain.model import DEFAULT_RING_COUNT, SECONDS_PER_RING, DateRange, TimeRange
from ringforward.domain.phone import DEFAULT_REGION
from ringforward.domain.ring_timeline import (
    APPS,
    COWORKER,
    Device,
    FinalAction,
    RingStep,
    comparable_number,
)
from ringforward.domain.schedule import in_date_ranges, in_weekly_ranges, local_time

# With no ring group to last for, the apps of a RingAlwaysGroupAction ring this long.
APPS_ALONE_SECONDS = DEFAULT_RING_COUNT * SECONDS_PER_RING


@dataclass(frozen=True)
class EnhancedCallHandling:
    """An enhanced extension's call handling, already loaded."""

    extension_id: str
    time_zone: str
    states: Mapping[str, dict[str, Any]]
    state_rules: Mapping[str, dict[str, Any]]
    # (id, rule document) in the order they are tried.
    interaction_rules: Sequence[dict[str, Any]]


def in_work_hours(handling: EnhancedCallHandling, local: datetime) -> bool:
    weekly = weekly_of(handling.states.get(WORK_HOURS, {}))
    return not weekly or in_weekly_ranges(local, weekly_time_ranges(weekly))


def _trigger_holds(trigger: dict[str, Any], local: datetime, tz_name: str) -> bool:
    kind = trigger["triggerType"]
    if kind == "Weekly":
        return in_weekly_ranges(local, weekly_time_ranges(trigger["ranges"]))
    if kind == "Daily":
        daily = (TimeRange(trigger["startTime"][:5], trigger["endTime"][:5]),)
        return in_weekly_ranges(local, {day: daily for day in _DAYS})
    ranges = [
        DateRange(
            datetime.fromisoformat(r["startDateTime"]), datetime.fromisoformat(r["endDateTime"])
        )
        for r in trigger["ranges"]
    ]
    return in_date_ranges(local, ranges, tz_name)


_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _condition_holds(
    condition: dict[str, Any],
    handling: EnhancedCallHandling,
    call: Call,
    local: datetime,
    region: str,
) -> bool:
    kind = condition["type"]
    if kind == "Interaction":
        callers = [comparable_number(c["phoneNumber"], region) for c in condition["from"]]
        called = [comparable_number(n, region) for n in condition["to"]]
        caller = comparable_number(call.caller, region) if call.caller else None
        to = comparable_number(call.called, region) if call.called else None
        return (not callers or caller in callers) and (not called or to in called)
    if kind == "State":
        inside = in_work_hours(handling, local)
        return inside if condition["state"]["id"] == WORK_HOURS else not inside
    schedule = condition["schedule"]
    naive = local.replace(tzinfo=None)
    if "startDateTime" in schedule and naive < datetime.fromisoformat(schedule["startDateTime"]):
        return False
    if "endDateTime" in schedule and naive >= datetime.fromisoformat(schedule["endDateTime"]):
        return False
    # Triggers of one type are alternatives; each type given must hold (a weekly trigger and
    # a date range together mean "these hours, within these dates").
    by_type: dict[str, list[dict[str, Any]]] = {}
    for trigger in schedule.get("triggers") or []:
        by_type.setdefault(trigger["triggerType"], []).append(trigger)
    return all(
        any(_trigger_holds(t, local, handling.time_zone) for t in group)
        for group in by_type.values()
    )


def select(
    handling: EnhancedCallHandling, call: Call, *, region: str = DEFAULT_REGION
) -> tuple[RuleRef, dict[str, Any]]:
    """The rule that takes the call and its dispatching.

    Enabled interaction rules first, in order, the first whose every condition holds;
    then forward-all-calls and dnd when enabled; then work-hours inside its schedule
    (always, when it has none) and after-hours outside it.
    """
    local = local_time(call.at, handling.time_zone)
    for rule in handling.interaction_rules:
        conditions = rule["conditions"]
        if (
            rule["enabled"]
            and conditions
            and all(_condition_holds(c, handling, call, local, region) for c in conditions)
        ):
            return RuleRef(rule["id"], "InteractionRule", rule["displayName"]), rule["dispatching"]
    for state_id in (FORWARD_ALL_CALLS, DND):
        if handling.states.get(state_id, {}).get("enabled"):
            return _state_rule(handling, state_id)
    return _state_rule(handling, WORK_HOURS if in_work_hours(handling, local) else AFTER_HOURS)


def _state_rule(handling: EnhancedCallHandling, state_id: str) -> tuple[RuleRef, dict[str, Any]]:
    dispatching = handling.state_rules.get(state_id)
    if dispatching is None:
        raise not_found(state_id)
    return RuleRef(state_id, "StateRule", STATE_NAMES[state_id]), dispatching


def _group_targets(action: dict[str, Any], region: str) -> tuple[list[str], list[Device]]:
    ring: list[str] = []
    devices: list[Device] = []
    for target in action["targets"]:
        kind = target["type"]
        if kind in (ALL_DESKTOP, ALL_MOBILE):
            entry = APPS
        elif kind == "PhoneNumberRingTarget":
            entry = comparable_number(target["destination"]["phoneNumber"], region)
        elif kind == "CoworkerRingTarget":
            entry = COWORKER + str(target["extension"]["id"])
        elif kind == "DeviceRingTarget":
            device_id = target["device"]["id"]
            devices.append(Device(device_id, device_id, target.get("name", device_id)))
            continue
        else:
            continue
        if entry not in ring:
            ring.append(entry)
    return ring, devices


def ring_steps(
    dispatching: dict[str, Any], extension_id: str, *, region: str = DEFAULT_REGION
) -> list[RingStep]:
    """Who rings when: RingInOrder one group after another, RingAtOnce all from 0,
    Custom each from its customStartOffset (groups may overlap); each for its duration.
    A RingAlwaysGroupAction rings the apps for as long as any group rings."""
    mode = dispatching["type"]
    steps: list[RingStep] = []
    start = 0
    index = 0
    for action in dispatching["actions"]:
        if action["type"] != "RingGroupAction":
            continue
        # Groups are numbered among all RingGroupActions, so "group N" names the same one
        # whether or not an earlier one is disabled.
        index += 1
        if not action["enabled"]:
            continue
        ring, devices = _group_targets(action, region)
        if mode == "RingInOrder":
            begin = start
        elif mode == "Custom":
            begin = int(action.get("customStartOffset", 0))
        else:
            begin = 0
        end = begin + int(action["duration"])
        start = end
        if ring or devices:
            steps.append(RingStep(begin, end, index, tuple(ring), extension_id, tuple(devices)))
    always = any(
        a["type"] == "RingAlwaysGroupAction" and a["enabled"] for a in dispatching["actions"]
    )
    if always and mode != "Terminate":
        end = max((s.end for s in steps), default=APPS_ALONE_SECONDS)
        steps.append(RingStep(0, end, None, (APPS,), extension_id))
    steps.sort(key=lambda step: (step.start, step.group is not None, step.group or 0))
    return steps


def final_action(
    dispatching: dict[str, Any], extension_id: str, at: int, *, region: str = DEFAULT_REGION
) -> FinalAction:
    for action in dispatching["actions"]:
        if action["type"] != "TerminatingAction":
            continue
        target = action["targets"][0]
        kind = target["type"]
        if kind == "VoiceMailTerminatingTarget":
            return FinalAction("Voicemail", at, target.get("extension", {}).get("id", extension_id))
        if kind == "PhoneNumberTerminatingTarget":
            number = comparable_number(target["destination"]["phoneNumber"], region)
            return FinalAction("Forward", at, number)
        if kind == "ExtensionTerminatingTarget":
            return FinalAction("Transfer", at, target["extension"]["id"])
        return FinalAction("Announcement", at)
    return FinalAction("Disconnect", at)


def answer_enhanced(
    handling: EnhancedCallHandling, call: Call, *, region: str = DEFAULT_REGION
) -> Answered:
    """How the extension answers ``call`` by itself. A Terminate dispatching that ends in
    an extension hands the call over at once, like v1's TransferToExtension; a transfer
    after ring groups is where the flow ends, like v1's missed-call ConnectToExtension."""
    rule, dispatching = select(handling, call, region=region)
    kind = dispatching["type"]
    steps = (
        [] if kind == "Terminate" else ring_steps(dispatching, handling.extension_id, region=region)
    )
    end = max((step.end for step in steps), default=0)
    then = final_action(dispatching, handling.extension_id, end, region=region)
    hands_over = kind == "Terminate" and then.action == "Transfer"
    return Answered(rule, kind, tuple(steps), then, hands_over)


def _nobody(_extension_id: str) -> EnhancedCallHandling | None:
    return None


def simulate_enhanced(
    handling: EnhancedCallHandling,
    call: Call,
    *,
    load_extension: Callable[[str], EnhancedCallHandling | None] = _nobody,
    region: str = DEFAULT_REGION,
) -> CallFlow:
    """The whole flow of ``call``, hand-overs followed through ``load_extension`` (None
    for an extension that is missing or outside the account) exactly as v1 does."""
    return follow_transfers(
        handling,
        call,
        extension_id=handling.extension_id,
        time_zone=handling.time_zone,
        answer=lambda target, pinned: answer_enhanced(target, pinned, region=region),
        load_extension=load_extension,
    )


def transfer_targets(handling: EnhancedCallHandling) -> set[str]:
    """Every extension a TerminatingAction of this extension's rules could transfer to."""
    dispatchings = [
        *handling.state_rules.values(),
        *(rule["dispatching"] for rule in handling.interaction_rules),
    ]
    return {
        target["extension"]["id"]
        for dispatching in dispatchings
        for action in dispatching["actions"]
        if action["type"] == "TerminatingAction"
        for target in action["targets"]
        if target["type"] == "ExtensionTerminatingTarget"
    }
