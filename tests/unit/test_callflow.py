"""The call-flow engine: who rings when, how the call ends, transfers, and the demo data."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from ringforward.domain.callflow import (
    Call,
    ExtensionCallHandling,
    call_flow_to_json,
    simulate,
)
from ringforward.domain.model import (
    SECONDS_PER_RING,
    AnsweringRule,
    Caller,
    ForwardingGroup,
    ForwardingNumber,
    ForwardingSettings,
    MissedCall,
    UnconditionalForwarding,
    Voicemail,
)
from tests.unit import callflow_builders as builders
from tests.unit.callflow_builders import (
    EXT_ID,
    LA,
    MON_FRI_9_18,
    ah_rule,
    bh_rule,
    extension,
    flow_json,
    la,
    no_extensions,
    steps_of,
    then_of,
)

VIP = "+14155550199"
MY_PHONE = "+16505550100"

A, B, C = "+16505550101", "+16505550102", "+16505550103"
NUMBERS = {
    "1": ForwardingNumber("1", EXT_ID, A, "Home"),
    "2": ForwardingNumber("2", EXT_ID, B, "Mobile"),
    "3": ForwardingNumber("3", EXT_ID, C, "Work"),
    "4": ForwardingNumber("4", EXT_ID, None, "Desk phone", type="PhoneLine", device_id="dev-9"),
}


def handling(**options: Any) -> ExtensionCallHandling:
    """The demo extension's call handling, with its four forwarding numbers by default."""
    options.setdefault("numbers", NUMBERS)
    return builders.handling(**options)


# ---------------------------------------------------------------------------- the demo data


def demo_handling() -> ExtensionCallHandling:
    demo_numbers = {"33333333": ForwardingNumber("33333333", EXT_ID, MY_PHONE, "My Phone3")}
    forwarding = ForwardingSettings(groups=(ForwardingGroup(1, 3, ("33333333",)),))
    vip = AnsweringRule(
        "55555555",
        EXT_ID,
        "Custom",
        "VIP caller",
        callers=(Caller(VIP),),
        call_handling_action="UnconditionalForwarding",
        unconditional_forwarding=UnconditionalForwarding(MY_PHONE),
        position=1,
    )
    return ExtensionCallHandling(
        extension(),
        LA,
        MON_FRI_9_18,
        (
            bh_rule(forwarding=forwarding, voicemail=Voicemail(enabled=True)),
            ah_rule(call_handling_action="TakeMessagesOnly"),
            vip,
        ),
        demo_numbers,
    )


def test_demo_weekday_10am_rings_apps_and_my_phone_for_15_s_then_voicemail() -> None:
    document = flow_json(demo_handling(), Call(la("2026-03-10T10:00"), caller="+12125550123"))
    assert document["rule"] == {
        "id": "business-hours-rule",
        "type": "BusinessHours",
        "name": "Work Hours",
    }
    assert document["action"] == "ForwardCalls"
    assert steps_of(document) == [(0, 15, None, ["apps"]), (0, 15, 1, [MY_PHONE])]
    assert then_of(document) == ("Voicemail", 15, EXT_ID)


def test_demo_8pm_goes_to_voicemail_at_once_by_the_after_hours_rule() -> None:
    document = flow_json(demo_handling(), Call(la("2026-03-10T20:00"), caller="+12125550123"))
    assert document["rule"]["id"] == "after-hours-rule"
    assert document["action"] == "TakeMessagesOnly"
    assert document["steps"] == []
    assert then_of(document) == ("Voicemail", 0, EXT_ID)


@pytest.mark.parametrize("at", ["2026-03-10T10:00", "2026-03-10T20:00", "2026-03-08T03:00"])
def test_demo_vip_caller_is_forwarded_by_the_custom_rule(at: str) -> None:
    document = flow_json(demo_handling(), Call(la(at), caller="(415) 555-0199"))
    assert document["rule"] == {"id": "55555555", "type": "Custom", "name": "VIP caller"}
    assert document["action"] == "UnconditionalForwarding"
    assert document["steps"] == []
    assert then_of(document) == ("Forward", 0, MY_PHONE)


def test_demo_json_document_in_full() -> None:
    document = flow_json(demo_handling(), Call(datetime(2026, 3, 10, 17, 0, tzinfo=UTC)))
    assert document == {
        "rule": {"id": "business-hours-rule", "type": "BusinessHours", "name": "Work Hours"},
        "action": "ForwardCalls",
        "steps": [
            {
                "start": 0,
                "end": 15,
                "group": None,
                "ring": ["apps"],
                "extension": EXT_ID,
                "devices": [],
            },
            {
                "start": 0,
                "end": 15,
                "group": 1,
                "ring": [MY_PHONE],
                "extension": EXT_ID,
                "devices": [],
            },
        ],
        "then": {"action": "Voicemail", "at": 15, "target": EXT_ID, "reason": None},
        "extension": EXT_ID,
        "timeZone": LA,
        "localTime": "2026-03-10T10:00:00-07:00",
        "transfers": [],
        "loop": None,
    }


# ---------------------------------------------------------------------------- who rings when

G1 = ForwardingGroup(1, 3, ("1",))
G2 = ForwardingGroup(2, 2, ("2", "3"))
SIM = "Simultaneously"
APPS = "apps"


def fwd(
    *groups: ForwardingGroup,
    notify: bool = True,
    always: bool = True,
    apps: int = 1,
    top: bool = True,
    mode: str = "Sequentially",
) -> ForwardingSettings:
    """Forwarding settings in short: groups (default G1, G2) and the soft-phone switches."""
    return ForwardingSettings(
        notify_my_soft_phones=notify,
        soft_phones_ring_count=apps,
        soft_phones_always_ring=always,
        soft_phones_position_top=top,
        ringing_mode=mode,
        groups=groups or (G1, G2),
    )


def group(index: int, ring_count: int, *number_ids: str) -> ForwardingGroup:
    return ForwardingGroup(index, ring_count, number_ids)


NOBODY: tuple[ForwardingGroup, ...] = (group(1, 1, "999"),)

TARGETS = {"A": A, "B": B, "C": C, "apps": APPS}


def timeline(text: str) -> list[tuple[int, int, int | None, list[str]]]:
    """``"0-25 apps; 0-15 #1 A; 15-25 #2 B C"`` as (start, end, group, ring) steps."""
    steps: list[tuple[int, int, int | None, list[str]]] = []
    for part in filter(None, (chunk.strip() for chunk in text.split(";"))):
        span, *rest = part.split()
        start, end = (int(second) for second in span.split("-"))
        group_index = int(rest.pop(0)[1:]) if rest and rest[0].startswith("#") else None
        steps.append((start, end, group_index, [TARGETS[name] for name in rest]))
    return steps


# fmt: off
WHO_RINGS = [
    # Defaults: apps from 0 until the list ends, forwarding from 0, one group after another.
    (fwd(), "0-25 apps; 0-15 #1 A; 15-25 #2 B C"),
    # Not always ring: the apps ring softPhonesRingCount rings, forwarding starts after.
    (fwd(always=False, apps=2), "0-10 apps; 10-25 #1 A; 25-35 #2 B C"),
    (fwd(always=False, apps=1), "0-5 apps; 5-20 #1 A; 20-30 #2 B C"),
    # 0 rings: forwarding starts at once.
    (fwd(always=False, apps=0), "0-15 #1 A; 15-25 #2 B C"),
    # Apps not notified: only the list, whatever the other soft-phone settings say.
    (fwd(notify=False), "0-15 #1 A; 15-25 #2 B C"),
    (fwd(notify=False, always=False, apps=3, top=False), "0-15 #1 A; 15-25 #2 B C"),
    # softPhonesPositionTop false: the apps ring after the list ...
    (fwd(always=False, top=False), "0-15 #1 A; 15-25 #2 B C; 25-30 apps"),
    (fwd(always=False, top=False, apps=0), "0-15 #1 A; 15-25 #2 B C"),
    # ... unless they always ring, which makes their position irrelevant.
    (fwd(top=False), "0-25 apps; 0-15 #1 A; 15-25 #2 B C"),
    # Groups ring in index order, whatever order they are stored in.
    (fwd(group(2, 1, "2"), group(1, 2, "1"), notify=False), "0-10 #1 A; 10-15 #2 B"),
    # Simultaneously: every number at once from the forwarding start, for the largest count.
    (fwd(mode=SIM), "0-15 apps; 0-15 #1 A; 0-15 #2 B C"),
    (fwd(mode=SIM, always=False, apps=2), "0-10 apps; 10-25 #1 A; 10-25 #2 B C"),
    (fwd(mode=SIM, always=False, apps=0), "0-15 #1 A; 0-15 #2 B C"),
    (fwd(group(1, 1, "1"), group(2, 7, "2"), mode=SIM, notify=False), "0-35 #1 A; 0-35 #2 B"),
    (fwd(mode=SIM, always=False, top=False), "0-15 #1 A; 0-15 #2 B C; 15-20 apps"),
    # One phone cannot ring twice at once: listed again in a simultaneous list, it rings once.
    (fwd(group(1, 2, "1", "1"), group(2, 3, "1", "2"), mode=SIM, notify=False),
     "0-15 #1 A; 0-15 #2 B"),
    # One after another, a number may ring again in a later group.
    (fwd(group(1, 1, "1"), group(2, 1, "1", "2"), notify=False), "0-5 #1 A; 5-10 #2 A B"),
    # No active number: the apps ring softPhonesRingCount rings, or nobody rings.
    (fwd(*NOBODY), "0-5 apps"),
    (fwd(*NOBODY, apps=3), "0-15 apps"),
    (fwd(*NOBODY, apps=0), ""),
    (fwd(*NOBODY, notify=False), ""),
    # A number whose forwarding number is gone rings nobody; a group left without numbers
    # takes no time and the next group moves up.
    (fwd(group(1, 3, "1", "999"), notify=False), "0-15 #1 A"),
    (fwd(group(1, 3, "999"), group(2, 2, "2"), notify=False), "0-10 #2 B"),
    # A desk phone (PhoneLine, no phone number) is listed under devices, not ring.
    (fwd(group(1, 2, "4", "1"), notify=False), "0-10 #1 A"),
    (fwd(group(1, 2, "4"), notify=False), "0-10 #1"),
]
# fmt: on


@pytest.mark.parametrize(("settings", "expected"), WHO_RINGS)
def test_who_rings_when(settings: ForwardingSettings, expected: str) -> None:
    h = handling(bh=bh_rule(forwarding=settings))
    document = flow_json(h, Call(la("2026-03-09T10:00")))
    expected_steps = timeline(expected)
    assert steps_of(document) == expected_steps
    # Voicemail (on by default) takes the call the moment the last ring stops.
    end = max((step[1] for step in expected_steps), default=0)
    assert then_of(document) == ("Voicemail", end, EXT_ID)


def test_one_ring_is_five_seconds() -> None:
    assert SECONDS_PER_RING == 5
    for ring_count in range(1, 16):
        settings = ForwardingSettings(
            notify_my_soft_phones=False, groups=(ForwardingGroup(1, ring_count, ("1",)),)
        )
        document = flow_json(
            handling(bh=bh_rule(forwarding=settings)), Call(la("2026-03-09T10:00"))
        )
        assert steps_of(document) == [(0, 5 * ring_count, 1, [A])]


def test_a_desk_phone_is_reported_with_its_forwarding_number_and_device() -> None:
    settings = fwd(group(1, 2, "4", "1"))
    document = flow_json(handling(bh=bh_rule(forwarding=settings)), Call(la("2026-03-09T10:00")))
    assert document["steps"][1]["devices"] == [
        {"id": "4", "deviceId": "dev-9", "label": "Desk phone"}
    ]
    assert document["steps"][0]["devices"] == []


def test_numbers_outside_the_forwarding_list_do_not_ring() -> None:
    settings = fwd(group(1, 3, "1"))
    document = flow_json(handling(bh=bh_rule(forwarding=settings)), Call(la("2026-03-09T10:00")))
    rung = {target for step in document["steps"] for target in step["ring"]}
    assert rung == {"apps", A}


LIST_ONLY = fwd(G1, notify=False)


VM_ON, VM_OFF = Voicemail(enabled=True), Voicemail(enabled=False)
B_ID, C_ID = "22222223", "22222224"
TO_B = MissedCall("ConnectToExtension", extension_id=B_ID)
TO_PSTN = MissedCall("ConnectToExternalNumber", external_number="(650) 555-0199")

# fmt: off
AFTER_THE_LIST = [
    (VM_ON, None, ("Voicemail", 15, EXT_ID), None),
    (Voicemail(enabled=True, recipient_id=B_ID), None, ("Voicemail", 15, B_ID), None),
    # Voicemail wins over a missed-call action.
    (VM_ON, TO_B, ("Voicemail", 15, EXT_ID), None),
    # No voicemail: the missed-call action, else the call ends.
    (VM_OFF, None, ("Disconnect", 15, None), None),
    (VM_OFF, MissedCall("PlayGreetingAndDisconnect"), ("Disconnect", 15, None), None),
    (VM_OFF, TO_B, ("Transfer", 15, B_ID), None),
    (VM_OFF, TO_PSTN, ("Forward", 15, "+16505550199"), None),
    (VM_OFF, MissedCall("ConnectToExtension"), ("Disconnect", 15, None),
     "missedCall.extension.id is not set"),
    (VM_OFF, MissedCall("ConnectToExternalNumber"), ("Disconnect", 15, None),
     "missedCall.externalNumber is not set"),
]
# fmt: on


@pytest.mark.parametrize(("voicemail", "missed_call", "expected_then", "reason"), AFTER_THE_LIST)
def test_after_the_list(
    voicemail: Voicemail,
    missed_call: MissedCall | None,
    expected_then: tuple[str, int, str | None],
    reason: str | None,
) -> None:
    rule = bh_rule(forwarding=LIST_ONLY, voicemail=voicemail, missed_call=missed_call)
    document = flow_json(handling(bh=rule), Call(la("2026-03-09T10:00")))
    assert steps_of(document) == [(0, 15, 1, [A])]
    assert then_of(document) == expected_then
    assert document["then"]["reason"] == reason


ELSEWHERE = UnconditionalForwarding("+1 (212) 555-0100")

# fmt: off
ACTIONS = [
    ({"call_handling_action": "TakeMessagesOnly"}, ("Voicemail", 0, EXT_ID)),
    # Straight to voicemail even when the rule's voicemail switch is off.
    ({"call_handling_action": "TakeMessagesOnly", "voicemail": VM_OFF}, ("Voicemail", 0, EXT_ID)),
    ({"call_handling_action": "PlayAnnouncementOnly"}, ("Announcement", 0, None)),
    ({"call_handling_action": "UnconditionalForwarding", "unconditional_forwarding": ELSEWHERE},
     ("Forward", 0, "+12125550100")),
    ({"call_handling_action": "UnconditionalForwarding"}, ("Disconnect", 0, None)),
    ({"call_handling_action": "AgentQueue"}, ("Disconnect", 0, None)),
]
# fmt: on


@pytest.mark.parametrize(("rule_fields", "expected_then"), ACTIONS)
def test_actions_without_a_ring_list_end_at_once(
    rule_fields: dict[str, Any], expected_then: tuple[str, int, str | None]
) -> None:
    # The forwarding list is set but only ForwardCalls uses it.
    rule = bh_rule(forwarding=fwd(), **rule_fields)
    document = flow_json(handling(bh=rule), Call(la("2026-03-09T10:00")))
    assert document["action"] == rule_fields["call_handling_action"]
    assert document["steps"] == []
    assert then_of(document) == expected_then


def test_simulation_is_the_same_for_the_same_instant_in_any_zone() -> None:
    h = demo_handling()
    at = la("2026-11-01T01:30")
    for other in (at.astimezone(UTC), at.astimezone(ZoneInfo("Asia/Tokyo"))):
        left = call_flow_to_json(simulate(h, Call(at), load_extension=no_extensions))
        right = call_flow_to_json(
            simulate(h, replace(Call(at), at=other), load_extension=no_extensions)
        )
        assert left == right
