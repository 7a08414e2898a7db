"""The SIP proxy's routing decision on an enhanced (v2 comm-handling) account."""

from __future__ import annotations

from typing import Any

import pytest

from ringforward.domain.comm_handling.model import voicemail_action
from ringforward.domain.devices import Device
from ringforward.domain.sip_plan import DeviceDirectory, Stage, Target, sip_plan
from ringforward.service import callflow, comm_states, sip_routing
from ringforward.service.access import Principal
from ringforward.service.enhanced_demo import (
    ENHANCED_ACCOUNT_ID,
    ENHANCED_ADMIN_ID,
    ENHANCED_USER_ID,
)
from ringforward.service.scope import ExtensionCall
from ringforward.store.database import Database
from ringforward.store.repositories import stored
from tests.support.comm_rest import transfer_to

pytestmark = pytest.mark.anyio
# Monday 10:00 in Los Angeles: inside the enhanced admin's work hours.
WEEKDAY = "2026-03-02T10:00:00"
ENHANCED = Principal(ENHANCED_ACCOUNT_ID, ENHANCED_ADMIN_ID, True, "test-client", "test-session")
# The enhanced admin has no devices, so its apps ring nobody over SIP.
NO_DEVICES = DeviceDirectory(apps=lambda _: [], device=lambda _: None)


def ring_group(number: str, *, duration: int, offset: int = 0) -> dict[str, Any]:
    return {
        "type": "RingGroupAction",
        "enabled": True,
        "duration": duration,
        "customStartOffset": offset,
        "targets": [
            {
                "type": "PhoneNumberRingTarget",
                "name": number,
                "destination": {"phoneNumber": number},
            }
        ],
    }


async def set_work_hours(db: Database, extension_id: str, dispatching: dict[str, Any]) -> None:
    await comm_states.patch_state_rule(
        ExtensionCall(db, ENHANCED, "~", extension_id), "work-hours", {"dispatching": dispatching}
    )


async def test_the_enhanced_demo_routes_as_its_simulated_flow(db: Database) -> None:
    flow = await callflow.simulate_call(
        ExtensionCall(db, ENHANCED, "~", "~"), at=WEEKDAY, caller=None, called=None
    )
    expected = sip_plan(flow, NO_DEVICES, seconds_per_ring=1, flow_of=lambda _: None)
    for called in ("+16505550201", ENHANCED_ADMIN_ID):
        plan = await sip_routing.route_call(
            db, called=called, caller=None, at=WEEKDAY, seconds_per_ring=1
        )
        assert plan == expected
    # The v2 work hours: the demo number for 15 s (3 rings), then the admin's voicemail.
    assert expected.stages == (
        Stage(0, 3000, (Target("gateway", "+16505550100"),)),
        Stage(3000, None, (Target("voicemail", ENHANCED_ADMIN_ID),)),
    )


async def test_custom_offsets_and_durations_cut_the_stages(db: Database) -> None:
    await set_work_hours(
        db,
        "~",
        {
            "type": "Custom",
            "actions": [
                ring_group("+16505550111", duration=10),
                ring_group("+16505550122", duration=10, offset=5),
                voicemail_action(),
            ],
        },
    )
    plan = await sip_routing.route_call(
        db, called=ENHANCED_ADMIN_ID, caller=None, at=WEEKDAY, seconds_per_ring=1
    )
    a, b = Target("gateway", "+16505550111"), Target("gateway", "+16505550122")
    assert plan.stages == (
        Stage(0, 1000, (a,)),
        Stage(1000, 1000, (a, b)),
        Stage(2000, 1000, (b,)),
        Stage(3000, None, (Target("voicemail", ENHANCED_ADMIN_ID),)),
    )


async def test_a_v2_transfer_continues_with_the_colleagues_v2_flow(db: Database) -> None:
    await set_work_hours(
        db,
        "~",
        {
            "type": "RingInOrder",
            "actions": [ring_group("+16505550111", duration=10), transfer_to(ENHANCED_USER_ID)],
        },
    )
    await set_work_hours(
        db,
        ENHANCED_USER_ID,
        {
            "type": "RingInOrder",
            "actions": [ring_group("+16505550122", duration=5), voicemail_action()],
        },
    )
    plan = await sip_routing.route_call(
        db, called=ENHANCED_ADMIN_ID, caller=None, at=WEEKDAY, seconds_per_ring=1
    )
    assert plan.stages == (
        Stage(0, 2000, (Target("gateway", "+16505550111"),)),
        Stage(2000, 1000, (Target("gateway", "+16505550122"),)),
        Stage(3000, None, (Target("voicemail", ENHANCED_USER_ID),)),
    )
    assert plan.reason is None


async def test_a_v2_transfer_loop_ends_the_call(db: Database) -> None:
    await set_work_hours(
        db,
        "~",
        {
            "type": "RingInOrder",
            "actions": [ring_group("+16505550111", duration=5), transfer_to(ENHANCED_USER_ID)],
        },
    )
    await set_work_hours(
        db,
        ENHANCED_USER_ID,
        {
            "type": "RingInOrder",
            "actions": [ring_group("+16505550122", duration=5), transfer_to(ENHANCED_ADMIN_ID)],
        },
    )
    plan = await sip_routing.route_call(
        db, called="+16505550201", caller=None, at=WEEKDAY, seconds_per_ring=1
    )
    assert [stage.duration_ms for stage in plan.stages] == [1000, 1000]
    assert plan.final == "Disconnect"
    assert (
        plan.reason
        == f"transfer loop: {ENHANCED_ADMIN_ID} → {ENHANCED_USER_ID} → {ENHANCED_ADMIN_ID}"
    )


async def test_a_v2_hand_over_is_followed_alike_by_simulate_and_sip(db: Database) -> None:
    # The admin hands every call over at once; the user rings, then sends it back.
    await set_work_hours(db, "~", {"type": "Terminate", "actions": [transfer_to(ENHANCED_USER_ID)]})
    await set_work_hours(
        db,
        ENHANCED_USER_ID,
        {
            "type": "RingInOrder",
            "actions": [ring_group("+16505550122", duration=5), transfer_to(ENHANCED_ADMIN_ID)],
        },
    )
    flow = await callflow.simulate_call(
        ExtensionCall(db, ENHANCED, "~", "~"), at=WEEKDAY, caller=None, called=None
    )
    assert [(hop.extension_id, hop.at, hop.rule.id) for hop in flow.transfers] == [
        (ENHANCED_USER_ID, 0, "work-hours")
    ]
    assert [(s.start, s.end, s.ring, s.extension_id) for s in flow.steps] == [
        (0, 5, ("+16505550122",), ENHANCED_USER_ID)
    ]
    assert (flow.then.action, flow.then.at, flow.then.target) == ("Transfer", 5, ENHANCED_ADMIN_ID)
    plan = await sip_routing.route_call(
        db, called=ENHANCED_ADMIN_ID, caller=None, at=WEEKDAY, seconds_per_ring=1
    )
    assert plan.stages == (Stage(0, 1000, (Target("gateway", "+16505550122"),)),)
    # The hand-over the engine followed is part of the chain the SIP plan checks.
    assert (
        plan.reason
        == f"transfer loop: {ENHANCED_ADMIN_ID} → {ENHANCED_USER_ID} → {ENHANCED_ADMIN_ID}"
    )


async def test_a_coworker_target_rings_the_coworkers_apps(db: Database) -> None:
    async with stored(db, writing=True) as repos:
        await repos.devices.insert_device(
            Device("80000232", ENHANCED_USER_ID, "SoftPhone", "User app", "u232", "a232", "pw")
        )
    coworker = {"type": "CoworkerRingTarget", "extension": {"id": ENHANCED_USER_ID}}
    await set_work_hours(
        db,
        "~",
        {
            "type": "RingInOrder",
            "actions": [
                {**ring_group("+16505550111", duration=10), "targets": [coworker]},
                voicemail_action(),
            ],
        },
    )
    plan = await sip_routing.route_call(
        db, called=ENHANCED_ADMIN_ID, caller=None, at=WEEKDAY, seconds_per_ring=1
    )
    assert plan.stages == (
        Stage(0, 2000, (Target("device", "u232"),)),
        Stage(2000, None, (Target("voicemail", ENHANCED_ADMIN_ID),)),
    )
