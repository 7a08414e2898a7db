"""The call-flow engine on enhanced call handling: selection, ring timelines, endings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from ringforward.domain.callflow import Call, call_flow_to_json
from ringforward.domain.comm_handling.callflow import (
    APPS_ALONE_SECONDS,
    EnhancedCallHandling,
    simulate_enhanced,
)
from ringforward.domain.comm_handling.model import apps_action, voicemail_action
from ringforward.domain.comm_handling.states import state_document

TZ = "America/Los_Angeles"
MONDAY_10 = datetime(2026, 11, 30, 10, 0)
MONDAY_20 = datetime(2026, 11, 30, 20, 0)
WEEKDAYS = {
    day: [{"startTime": "09:00:00", "endTime": "18:00:00"}]
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
}


def group(
    *numbers: str, duration: int = 15, offset: int = 0, enabled: bool = True
) -> dict[str, Any]:
    return {
        "type": "RingGroupAction",
        "enabled": enabled,
        "duration": duration,
        "customStartOffset": offset,
        "targets": [
            {"type": "PhoneNumberRingTarget", "destination": {"phoneNumber": n}} for n in numbers
        ],
    }


def terminate(target: dict[str, Any]) -> dict[str, Any]:
    return {"type": "TerminatingAction", "targets": [target]}


def handling(
    work: dict[str, Any],
    *,
    after: dict[str, Any] | None = None,
    rules: tuple[dict[str, Any], ...] = (),
    dnd: bool = False,
    forward_all: bool = False,
    weekly: dict[str, Any] | None = WEEKDAYS,
) -> EnhancedCallHandling:
    states = {
        "work-hours": state_document("work-hours", enabled=True, weekly=weekly),
        "dnd": state_document("dnd", enabled=dnd),
        "forward-all-calls": state_document("forward-all-calls", enabled=forward_all),
    }
    state_rules = {
        "work-hours": work,
        "dnd": {"type": "Terminate", "actions": [voicemail_action()]},
        "forward-all-calls": {
            "type": "Terminate",
            "actions": [
                terminate(
                    {
                        "type": "PhoneNumberTerminatingTarget",
                        "dispatchingType": "Terminating",
                        "destination": {"phoneNumber": "+13125550100"},
                    }
                )
            ],
        },
    }
    if weekly:
        states["after-hours"] = state_document("after-hours", enabled=True)
        state_rules["after-hours"] = after or {"type": "Terminate", "actions": [voicemail_action()]}
    return EnhancedCallHandling("100", TZ, states, state_rules, list(rules))


def timeline(flow: Any) -> list[tuple[int, int, int | None, tuple[str, ...]]]:
    return [(s.start, s.end, s.group, s.ring) for s in flow.steps]


def test_ring_in_order_rings_groups_one_after_another_then_voicemail() -> None:
    work = {
        "type": "RingInOrder",
        "actions": [
            apps_action(),
            group("+12125550100", duration=15),
            group("+12125550101", duration=10),
            voicemail_action(),
        ],
    }
    flow = simulate_enhanced(handling(work), Call(MONDAY_10))
    assert timeline(flow) == [
        (0, 25, None, ("apps",)),
        (0, 15, 1, ("+12125550100",)),
        (15, 25, 2, ("+12125550101",)),
    ]
    assert (flow.then.action, flow.then.at, flow.then.target) == ("Voicemail", 25, "100")
    assert flow.rule.id == "work-hours" and flow.action == "RingInOrder"


def test_ring_at_once_starts_every_group_at_zero_for_its_duration() -> None:
    work = {
        "type": "RingAtOnce",
        "actions": [group("+12125550100", duration=15), group("+12125550101", duration=30)],
    }
    flow = simulate_enhanced(handling(work), Call(MONDAY_10))
    assert timeline(flow) == [(0, 15, 1, ("+12125550100",)), (0, 30, 2, ("+12125550101",))]
    assert (flow.then.action, flow.then.at) == ("Disconnect", 30)


def test_custom_offsets_let_groups_overlap() -> None:
    work = {
        "type": "Custom",
        "actions": [
            group("+12125550100", duration=20, offset=0),
            group("+12125550101", duration=20, offset=10),
            group("+12125550102", duration=5, offset=40),
            voicemail_action(),
        ],
    }
    flow = simulate_enhanced(handling(work), Call(MONDAY_10))
    assert timeline(flow) == [
        (0, 20, 1, ("+12125550100",)),
        (10, 30, 2, ("+12125550101",)),
        (40, 45, 3, ("+12125550102",)),
    ]
    assert flow.then.at == 45


def test_a_disabled_group_does_not_ring() -> None:
    work = {
        "type": "RingInOrder",
        "actions": [group("+12125550100", enabled=False), group("+12125550101", duration=10)],
    }
    flow = simulate_enhanced(handling(work), Call(MONDAY_10))
    assert timeline(flow) == [(0, 10, 2, ("+12125550101",))]


def test_apps_alone_ring_for_the_default_time() -> None:
    work = {"type": "RingInOrder", "actions": [apps_action(), voicemail_action()]}
    flow = simulate_enhanced(handling(work), Call(MONDAY_10))
    assert timeline(flow) == [(0, APPS_ALONE_SECONDS, None, ("apps",))]


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ({"type": "VoiceMailTerminatingTarget", "extension": {"id": "200"}}, ("Voicemail", "200")),
        (
            {
                "type": "PhoneNumberTerminatingTarget",
                "dispatchingType": "Terminating",
                "destination": {"phoneNumber": "+13125550199"},
            },
            ("Forward", "+13125550199"),
        ),
        (
            {"type": "PlayAnnouncementTerminatingTarget", "dispatchingType": "Terminating"},
            ("Announcement", None),
        ),
    ],
)
# A transfer to an extension is followed into it: tests/unit/test_comm_callflow_transfers.py.
def test_each_terminating_action(target: dict[str, Any], expected: tuple[str, str | None]) -> None:
    work = {"type": "Terminate", "actions": [terminate(target)]}
    flow = simulate_enhanced(handling(work), Call(MONDAY_10))
    assert flow.steps == ()
    assert (flow.then.action, flow.then.target) == expected and flow.then.at == 0


def test_after_hours_outside_the_schedule_and_never_when_24_7() -> None:
    work = {"type": "RingAtOnce", "actions": [group("+12125550100")]}
    assert simulate_enhanced(handling(work), Call(MONDAY_20)).rule.id == "after-hours"
    assert simulate_enhanced(handling(work, weekly=None), Call(MONDAY_20)).rule.id == "work-hours"


def test_dnd_and_forward_all_calls_take_over_when_enabled() -> None:
    work = {"type": "RingAtOnce", "actions": [group("+12125550100")]}
    assert simulate_enhanced(handling(work, dnd=True), Call(MONDAY_10)).rule.id == "dnd"
    flow = simulate_enhanced(handling(work, dnd=True, forward_all=True), Call(MONDAY_10))
    assert flow.rule.id == "forward-all-calls" and flow.then.target == "+13125550100"


def _rule(rule_id: str, conditions: list[dict[str, Any]], enabled: bool = True) -> dict[str, Any]:
    return {
        "id": rule_id,
        "displayName": f"Rule {rule_id}",
        "enabled": enabled,
        "conditions": conditions,
        "dispatching": {"type": "Terminate", "actions": [voicemail_action()]},
    }


def test_interaction_rules_come_first_and_need_every_condition() -> None:
    work = {"type": "RingAtOnce", "actions": [group("+12125550100")]}
    caller = {
        "type": "Interaction",
        "from": [{"phoneNumber": "+14155550199", "name": "A"}],
        "to": [],
    }
    evenings = {"type": "State", "state": {"id": "after-hours"}}
    rules = (_rule("1", [caller, evenings]), _rule("2", [caller]), _rule("3", [caller], False))
    h = handling(work, rules=rules, dnd=True)
    assert simulate_enhanced(h, Call(MONDAY_20, "+14155550199")).rule.id == "1"
    assert simulate_enhanced(h, Call(MONDAY_10, "(415) 555-0199")).rule.id == "2"
    assert simulate_enhanced(h, Call(MONDAY_10, "+14155550100")).rule.id == "dnd"


@pytest.mark.parametrize(
    ("schedule", "at", "matches"),
    [
        (
            {
                "triggers": [
                    {"triggerType": "Daily", "startTime": "12:00:00", "endTime": "13:00:00"}
                ]
            },
            datetime(2026, 11, 30, 12, 30),
            True,
        ),
        (
            {
                "triggers": [
                    {"triggerType": "Daily", "startTime": "12:00:00", "endTime": "13:00:00"}
                ]
            },
            datetime(2026, 11, 30, 13, 0),
            False,
        ),
        (
            {
                "triggers": [
                    {
                        "triggerType": "Weekly",
                        "ranges": {"saturday": [{"startTime": "00:00:00", "endTime": "00:00:00"}]},
                    }
                ]
            },
            datetime(2026, 12, 5, 11, 0),
            True,
        ),
        (
            {
                "triggers": [
                    {
                        "triggerType": "Range",
                        "ranges": [
                            {
                                "startDateTime": "2026-12-24T00:00:00",
                                "endDateTime": "2026-12-27T00:00:00",
                            }
                        ],
                    }
                ]
            },
            datetime(2026, 12, 25, 11, 0),
            True,
        ),
        ({"startDateTime": "2027-01-01T00:00:00"}, datetime(2026, 12, 25, 11, 0), False),
    ],
)
def test_schedule_conditions(schedule: dict[str, Any], at: datetime, matches: bool) -> None:
    work = {"type": "RingAtOnce", "actions": [group("+12125550100")]}
    rules = (_rule("9", [{"type": "Schedule", "schedule": schedule}]),)
    flow = simulate_enhanced(handling(work, rules=rules, weekly=None), Call(at))
    assert (flow.rule.id == "9") is matches


def test_the_document_has_the_v1_shape() -> None:
    work = {"type": "RingInOrder", "actions": [group("+12125550100"), voicemail_action()]}
    document = call_flow_to_json(simulate_enhanced(handling(work), Call(MONDAY_10)))
    assert document["rule"] == {"id": "work-hours", "type": "StateRule", "name": "Work Hours"}
    assert document["steps"][0]["ring"] == ["+12125550100"]
    assert document["then"] == {"action": "Voicemail", "at": 15, "target": "100", "reason": None}
    assert document["timeZone"] == TZ and document["transfers"] == []
