"""The timeline as SIP forking stages: cuts, seconds per ring, final actions, transfers."""

from __future__ import annotations

from datetime import datetime

from ringforward.domain.callflow import (
    APPS,
    CallFlow,
    Device,
    FinalAction,
    RingStep,
    RuleRef,
)
from ringforward.domain.sip_plan import DeviceDirectory, Stage, Target, sip_plan
from ringforward.wire.sip_plan import sip_plan_json

RULE = RuleRef("business-hours-rule", "BusinessHours", "Work Hours")
DIRECTORY = DeviceDirectory(
    apps=lambda extension: {"1": ["app-1a", "app-1b"], "2": ["app-2"]}.get(extension, []),
    device=lambda device_id: {"dev-9": "desk-9"}.get(device_id),
)


def flow(extension: str, steps: list[RingStep], then: FinalAction) -> CallFlow:
    return CallFlow(
        extension, "UTC", datetime(2026, 11, 30, 10), RULE, "ForwardCalls", tuple(steps), then
    )


def no_transfers(extension: str) -> CallFlow | None:
    raise AssertionError(f"no transfer expected, asked for {extension}")


def test_steps_are_cut_where_any_starts_or_ends_and_scaled_to_seconds_per_ring() -> None:
    steps = [
        RingStep(0, 30, None, (APPS,), "1"),
        RingStep(0, 15, 1, ("+16505550100",), "1"),
        RingStep(15, 30, 2, ("+16505550177",), "1", (Device("44", "dev-9", "Desk"),)),
    ]
    plan = sip_plan(
        flow("1", steps, FinalAction("Voicemail", 30, "1")),
        DIRECTORY,
        seconds_per_ring=1,
        flow_of=no_transfers,
    )
    apps = (Target("device", "app-1a"), Target("device", "app-1b"))
    assert plan.stages == (
        Stage(0, 3000, (*apps, Target("gateway", "+16505550100"))),
        Stage(3000, 3000, (*apps, Target("gateway", "+16505550177"), Target("device", "desk-9"))),
        Stage(6000, None, (Target("voicemail", "1"),)),
    )
    # At the default 5 s per ring the timeline's own seconds come back.
    slow = sip_plan(
        flow("1", steps, FinalAction("Voicemail", 30, "1")),
        DIRECTORY,
        seconds_per_ring=5,
        flow_of=no_transfers,
    )
    assert [(s.start_ms, s.duration_ms) for s in slow.stages] == [
        (0, 15000),
        (15000, 15000),
        (30000, None),
    ]


def test_apps_without_devices_leave_an_empty_stage_that_still_lasts() -> None:
    plan = sip_plan(
        flow("3", [RingStep(0, 5, None, (APPS,), "3")], FinalAction("Voicemail", 5, "3")),
        DIRECTORY,
        seconds_per_ring=1,
        flow_of=no_transfers,
    )
    assert plan.stages[0] == Stage(0, 1000, ())
    assert plan.stages[1].start_ms == 1000


def test_forward_and_disconnect_end_the_plan() -> None:
    forward = sip_plan(
        flow("1", [], FinalAction("Forward", 0, "+16505550100")),
        DIRECTORY,
        seconds_per_ring=1,
        flow_of=no_transfers,
    )
    assert forward.stages == (Stage(0, None, (Target("gateway", "+16505550100"),)),)
    ended = sip_plan(
        flow("1", [RingStep(0, 5, 1, ("+1",), "1")], FinalAction("Disconnect", 5, reason="why")),
        DIRECTORY,
        seconds_per_ring=1,
        flow_of=no_transfers,
    )
    assert ended.final == "Disconnect" and ended.reason == "why"
    assert sip_plan_json(ended)["stages"][-1]["durationMs"] == 1000


def test_a_missed_call_transfer_continues_with_the_other_extensions_timeline() -> None:
    second = flow("2", [RingStep(0, 10, None, (APPS,), "2")], FinalAction("Voicemail", 10, "2"))
    first = flow("1", [RingStep(0, 5, 1, ("+16505550100",), "1")], FinalAction("Transfer", 5, "2"))
    plan = sip_plan(
        first,
        DIRECTORY,
        seconds_per_ring=1,
        flow_of=lambda extension: second if extension == "2" else None,
    )
    assert plan.stages == (
        Stage(0, 1000, (Target("gateway", "+16505550100"),)),
        Stage(1000, 2000, (Target("device", "app-2"),)),
        Stage(3000, None, (Target("voicemail", "2"),)),
    )


def test_a_transfer_loop_or_a_missing_extension_disconnects() -> None:
    back = flow("2", [], FinalAction("Transfer", 0, "1"))
    first = flow("1", [], FinalAction("Transfer", 0, "2"))
    looped = sip_plan(
        first,
        DIRECTORY,
        seconds_per_ring=1,
        flow_of=lambda extension: back if extension == "2" else None,
    )
    assert looped.final == "Disconnect" and looped.reason and "loop" in looped.reason
    missing = sip_plan(
        flow("1", [], FinalAction("Transfer", 0, "7")),
        DIRECTORY,
        seconds_per_ring=1,
        flow_of=lambda extension: None,
    )
    assert missing.stages == () and missing.reason == "extension 7 not found"


def test_a_coworker_in_a_ring_group_rings_on_the_coworkers_apps() -> None:
    steps = [RingStep(0, 10, 1, ("extension:2", "+16505550100"), "1")]
    plan = sip_plan(
        flow("1", steps, FinalAction("Voicemail", 10, "1")),
        DIRECTORY,
        seconds_per_ring=1,
        flow_of=no_transfers,
    )
    assert plan.stages[0] == Stage(
        0, 2000, (Target("device", "app-2"), Target("gateway", "+16505550100"))
    )
