"""Upgrading v1 rules to enhanced call handling keeps every simulate answer.

For generated extensions (random business hours, custom rules with every kind of
condition, enabled or not, forwarding lists with desk phones and soft-phone settings,
every answering action but transfers) and any call, the v2 engine on the upgraded data
rings the same targets over the same seconds and ends the call the same way.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ringforward.domain.callflow import Call, ExtensionCallHandling, call_flow_to_json, simulate
from ringforward.domain.comm_handling.callflow import EnhancedCallHandling, simulate_enhanced
from ringforward.domain.comm_handling.upgrade import upgrade_extension
from tests.unit.test_callflow_properties import ACTIONS, calls, extensions

# Transfers are followed into other extensions by the v1 engine; v2 reports them.
NO_TRANSFERS = [a for a in ACTIONS if a != "TransferToExtension"] + ["ForwardCalls"] * 6


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


@settings(max_examples=300, deadline=None)
@given(data=st.data(), call=calls)
def test_upgrade_keeps_every_answer(data: st.DataObject, call: Call) -> None:
    legacy = data.draw(extensions("e0", NO_TRANSFERS))
    before = call_flow_to_json(simulate(legacy, call, load_extension=lambda _id: None))
    after = call_flow_to_json(simulate_enhanced(upgraded(legacy), call))
    assert rule_kind(after) == rule_kind(before)
    assert answer_of(after) == answer_of(before)
