"""Transfers on enhanced call handling: a Terminate dispatching ending in an extension hands
the call over at once and the engine follows it, exactly like v1's TransferToExtension
(same chain, loop and cut-off rules, same document); a transfer after ring groups ends the
flow, like v1's missed-call ConnectToExtension."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from ringforward.domain.callflow import MAX_TRANSFERS, Call, call_flow_to_json
from ringforward.domain.comm_handling.callflow import (
    EnhancedCallHandling,
    simulate_enhanced,
    transfer_targets,
)
from ringforward.domain.comm_handling.model import voicemail_action
from ringforward.domain.comm_handling.states import state_document

LA, NY = "America/Los_Angeles", "America/New_York"
A, B, C = "100", "200", "300"
MONDAY_10 = datetime(2026, 11, 30, 10, 0)
WEEKDAYS = {
    day: [{"startTime": "09:00:00", "endTime": "18:00:00"}]
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
}


def to_extension(target: str) -> dict[str, Any]:
    return {
        "type": "TerminatingAction",
        "targets": [
            {
                "type": "ExtensionTerminatingTarget",
                "dispatchingType": "Terminating",
                "extension": {"id": target},
            }
        ],
    }


def transfer(target: str) -> dict[str, Any]:
    return {"type": "Terminate", "actions": [to_extension(target)]}


def ring(number: str, seconds: int = 20) -> dict[str, Any]:
    return {
        "type": "RingGroupAction",
        "enabled": True,
        "duration": seconds,
        "customStartOffset": 0,
        "targets": [{"type": "PhoneNumberRingTarget", "destination": {"phoneNumber": number}}],
    }


def rings(number: str) -> dict[str, Any]:
    return {"type": "RingInOrder", "actions": [ring(number), voicemail_action()]}


def messages() -> dict[str, Any]:
    return {"type": "Terminate", "actions": [voicemail_action()]}


def extension(
    ext_id: str,
    work: dict[str, Any],
    *,
    after: dict[str, Any] | None = None,
    zone: str = LA,
    rules: tuple[dict[str, Any], ...] = (),
) -> EnhancedCallHandling:
    states = {
        "work-hours": state_document("work-hours", enabled=True, weekly=WEEKDAYS),
        "after-hours": state_document("after-hours", enabled=True),
        "dnd": state_document("dnd", enabled=False),
        "forward-all-calls": state_document("forward-all-calls", enabled=False),
    }
    state_rules = {"work-hours": work, "after-hours": after or messages()}
    return EnhancedCallHandling(ext_id, zone, states, state_rules, list(rules))


def flow_of(
    first: EnhancedCallHandling,
    *others: EnhancedCallHandling,
    at: datetime = MONDAY_10,
    caller: str | None = None,
) -> dict[str, Any]:
    known = {h.extension_id: h for h in (first, *others)}
    flow = simulate_enhanced(first, Call(at, caller), load_extension=known.get)
    return call_flow_to_json(flow)


def test_a_transfer_continues_with_the_target_extension_call_handling() -> None:
    document = flow_of(extension(A, transfer(B)), extension(B, rings("+12125550100")))
    assert document["rule"] == {"id": "work-hours", "type": "StateRule", "name": "Work Hours"}
    assert document["action"] == "Terminate"
    assert document["extension"] == A
    assert document["transfers"] == [
        {
            "extension": B,
            "at": 0,
            "rule": {"id": "work-hours", "type": "StateRule", "name": "Work Hours"},
            "action": "RingInOrder",
        }
    ]
    assert [(s["start"], s["end"], s["ring"], s["extension"]) for s in document["steps"]] == [
        (0, 20, ["+12125550100"], B)
    ]
    assert document["then"] == {"action": "Voicemail", "at": 20, "target": B, "reason": None}
    assert document["loop"] is None


def test_the_target_is_judged_in_its_own_time_zone() -> None:
    # 16:30 in Los Angeles is 19:30 in New York: after hours there.
    b = extension(B, rings("+12125550100"), after=transfer(C), zone=NY)
    c = extension(C, messages())
    document = flow_of(extension(A, transfer(B)), b, c, at=datetime(2026, 11, 30, 16, 30))
    assert [(hop["extension"], hop["rule"]["id"]) for hop in document["transfers"]] == [
        (B, "after-hours"),
        (C, "work-hours"),
    ]
    assert document["then"]["action"] == "Voicemail" and document["then"]["target"] == C


def test_an_interaction_rule_can_transfer_too() -> None:
    vip = {
        "id": "7",
        "displayName": "VIP",
        "enabled": True,
        "conditions": [
            {"type": "Interaction", "from": [{"phoneNumber": "+14155550199"}], "to": []}
        ],
        "dispatching": transfer(B),
    }
    a = extension(A, rings("+12125550101"), rules=(vip,))
    b = extension(B, rings("+12125550100"))
    document = flow_of(a, b, caller="+14155550199")
    assert document["rule"]["id"] == "7"
    assert [hop["extension"] for hop in document["transfers"]] == [B]
    assert document["steps"][0]["ring"] == ["+12125550100"]
    assert flow_of(a, b, caller="+14155550100")["transfers"] == []
    assert transfer_targets(a) == {B}


def test_a_transfer_after_ring_groups_ends_the_flow_as_in_v1() -> None:
    after_ringing = {"type": "RingInOrder", "actions": [ring("+12125550101"), to_extension(B)]}
    document = flow_of(extension(A, after_ringing), extension(B, rings("+12125550100")))
    assert document["transfers"] == []
    assert document["then"] == {"action": "Transfer", "at": 20, "target": B, "reason": None}


@pytest.mark.parametrize(
    ("a_target", "b_work", "expected_loop"),
    [
        (B, transfer(A), [A, B, A]),  # A → B → A
        (A, messages(), [A, A]),  # A → A
        (B, transfer(B), [A, B, B]),  # A → B → B
    ],
)
def test_a_transfer_loop_is_detected_and_reported(
    a_target: str, b_work: dict[str, Any], expected_loop: list[str]
) -> None:
    document = flow_of(extension(A, transfer(a_target)), extension(B, b_work))
    assert document["loop"] == expected_loop
    assert document["steps"] == []
    assert document["then"] == {
        "action": "Disconnect",
        "at": 0,
        "target": None,
        "reason": "transfer loop: " + " → ".join(expected_loop),
    }


def test_a_chain_of_three_extensions() -> None:
    document = flow_of(
        extension(A, transfer(B)), extension(B, transfer(C)), extension(C, rings("+12125550100"))
    )
    assert [hop["extension"] for hop in document["transfers"]] == [B, C]
    assert document["then"]["target"] == C and document["loop"] is None


def test_a_transfer_to_a_missing_extension_disconnects_with_a_reason() -> None:
    document = flow_of(extension(A, transfer("77777777")))
    assert document["then"] == {
        "action": "Disconnect",
        "at": 0,
        "target": None,
        "reason": "extension 77777777 not found",
    }
    assert document["transfers"] == [] and document["loop"] is None


def test_an_endless_chain_of_new_extensions_is_cut_off() -> None:
    def invent(ext_id: str) -> EnhancedCallHandling:
        return extension(ext_id, transfer(str(int(ext_id) + 1)))

    flow = simulate_enhanced(invent("1"), Call(MONDAY_10), load_extension=invent)
    assert len(flow.transfers) == MAX_TRANSFERS
    assert flow.then.action == "Disconnect" and "transfers in a row" in (flow.then.reason or "")
