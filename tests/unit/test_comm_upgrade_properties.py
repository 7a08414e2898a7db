"""Upgrading v1 rules to enhanced call handling keeps every simulate answer.

For generated worlds of up to four extensions (random business hours, custom rules with
every kind of condition, enabled or not, forwarding lists with desk phones and soft-phone
settings, every answering action including transfers that chain, loop or reach no extension, and
missed-call transfers) and any call, the v2 engine on the upgraded data takes the same
transfers, rings the same targets over the same seconds and ends the call the same way.
"""

from __future__ import annotations

from typing import Any

from hypothesis import event, given, settings
from hypothesis import strategies as st

from ringforward.domain.callflow import Call, ExtensionCallHandling, call_flow_to_json, simulate
from ringforward.domain.comm_handling.callflow import EnhancedCallHandling, simulate_enhanced
from ringforward.domain.comm_handling.upgrade import upgrade_extension
from ringforward.domain.model import BusinessHours, ForwardingSettings, MissedCall, Voicemail
from tests.unit.callflow_builders import bh_rule, handling, la
from tests.unit.test_callflow_properties import ACTIONS, TRANSFER_ACTIONS, World, calls


def upgraded(legacy: ExtensionCallHandling) -> EnhancedCallHandling:
    result = upgrade_extension(
        legacy.extension.id,
        legacy.business_hours,
        legacy.rules,
        legacy.forwarding_numbers,
    )
    return EnhancedCallHandling(
        legacy.extension.id,
        legacy.time_zone,
        {state["id"]: state for state in result.states},
        result.state_rules,
        [document for _position, document in result.interaction_rules],
    )


def answer_of(document: dict[str, Any]) -> tuple[Any, ...]:
    steps = sorted(
        (
            s["start"],
            s["end"],
            tuple(s["ring"]),
            tuple((d["deviceId"] or d["id"], d["label"]) for d in s["devices"]),
        )
        for s in document["steps"]
    )
    then = document["then"]
    return tuple(steps), then["action"], then["at"], then["target"]


def rule_kind(document: dict[str, Any]) -> str:
    """Which rule answered, in the terms both generations share."""
    rule = document["rule"]
    return {"business-hours-rule": "work-hours", "after-hours-rule": "after-hours"}.get(
        rule["id"], rule["id"]
    )


def hops_of(document: dict[str, Any]) -> list[tuple[str, int, str]]:
    """The transfers taken: where to, when, and which rule answered there."""
    return [
        (hop["extension"], hop["at"], rule_kind({"rule": hop["rule"]}))
        for hop in document["transfers"]
    ]


def compare(world: World, call: Call) -> dict[str, Any]:
    before = call_flow_to_json(simulate(world.first, call, load_extension=world.load))
    upgraded_worlds: dict[str, EnhancedCallHandling] = {}

    def load_upgraded(extension_id: str) -> EnhancedCallHandling | None:
        legacy = world.load(extension_id)
        if legacy is None:
            return None
        if extension_id not in upgraded_worlds:
            upgraded_worlds[extension_id] = upgraded(legacy)
        return upgraded_worlds[extension_id]

    after = call_flow_to_json(
        simulate_enhanced(upgraded(world.first), call, load_extension=load_upgraded)
    )
    assert rule_kind(after) == rule_kind(before)
    assert answer_of(after) == answer_of(before)
    assert hops_of(after) == hops_of(before)
    assert after["loop"] == before["loop"]
    # Where a transfer ended the call (loop, missing extension), it ends for the same reason.
    if (before["then"]["reason"] or "").startswith(("transfer loop", "extension ")):
        assert after["then"]["reason"] == before["then"]["reason"]
    return before


@settings(max_examples=300, deadline=None)
@given(data=st.data(), call=calls)
def test_upgrade_keeps_every_answer(data: st.DataObject, call: Call) -> None:
    before = compare(World(data, ACTIONS), call)
    event(f"{len(before['transfers'])} transfers, then {before['then']['action']}")


@settings(max_examples=200, deadline=None)
@given(data=st.data(), call=calls)
def test_upgrade_keeps_transfer_chains_and_loops(data: st.DataObject, call: Call) -> None:
    before = compare(World(data, TRANSFER_ACTIONS), call)
    event(f"{len(before['transfers'])} transfers" + (", loop" if before["loop"] else ""))


def test_a_missed_call_transfer_after_an_empty_list_stays_the_end_of_the_flow() -> None:
    """v1 follows TransferToExtension but reports a missed-call ConnectToExtension, even
    when the forwarding list rings nobody: the upgraded rule must not become a hand-over."""
    silent = ForwardingSettings(notify_my_soft_phones=False)
    missed = MissedCall("ConnectToExtension", extension_id="e1")
    e0 = handling(
        bh=bh_rule("e0", forwarding=silent, voicemail=Voicemail(False), missed_call=missed),
        ext_id="e0",
        business_hours=BusinessHours({}),
    )
    e1 = handling(ext_id="e1", business_hours=BusinessHours({}))
    legacy = {"e0": e0, "e1": e1}
    call = Call(la("2026-03-09T10:00"))
    before = call_flow_to_json(simulate(e0, call, load_extension=legacy.get))
    v2 = {ext_id: upgraded(h) for ext_id, h in legacy.items()}
    after = call_flow_to_json(simulate_enhanced(v2["e0"], call, load_extension=v2.get))
    assert before["then"] == {"action": "Transfer", "at": 0, "target": "e1", "reason": None}
    assert after["then"] == before["then"]
    assert after["transfers"] == before["transfers"] == []
