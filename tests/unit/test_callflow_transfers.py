"""TransferToExtension: the call continues with the target's rules; loops are reported."""

from __future__ import annotations

import pytest

from ringforward.domain.callflow import (
    MAX_TRANSFERS,
    Call,
    ExtensionCallHandling,
    select_rule,
)
from ringforward.domain.model import (
    AnsweringRule,
    ForwardingGroup,
    ForwardingNumber,
    ForwardingSettings,
)
from tests.unit.callflow_builders import (
    EXT_ID,
    ah_rule,
    bh_rule,
    flow_json,
    handling,
    la,
    loader,
    steps_of,
    then_of,
)

B_ID, C_ID = "22222223", "22222224"


def transfer_to(target: str | None, ext_id: str = EXT_ID) -> AnsweringRule:
    return bh_rule(ext_id, call_handling_action="TransferToExtension", transfer_extension_id=target)


def b_numbers() -> dict[str, ForwardingNumber]:
    return {"b1": ForwardingNumber("b1", B_ID, "+16505550150", "B's mobile")}


def test_transfer_continues_with_the_target_extension_rules() -> None:
    b_forwarding = ForwardingSettings(groups=(ForwardingGroup(1, 2, ("b1",)),))
    b = handling(bh=bh_rule(B_ID, forwarding=b_forwarding), ext_id=B_ID, numbers=b_numbers())
    a = handling(bh=transfer_to(B_ID))
    document = flow_json(a, Call(la("2026-03-09T10:00")), load_extension=loader(b))
    assert document["rule"]["id"] == "business-hours-rule"
    assert document["action"] == "TransferToExtension"
    assert document["extension"] == EXT_ID
    assert document["transfers"] == [
        {
            "extension": B_ID,
            "at": 0,
            "rule": {"id": "business-hours-rule", "type": "BusinessHours", "name": "Work Hours"},
            "action": "ForwardCalls",
        }
    ]
    assert steps_of(document) == [(0, 10, None, ["apps"]), (0, 10, 1, ["+16505550150"])]
    assert {step["extension"] for step in document["steps"]} == {B_ID}
    assert then_of(document) == ("Voicemail", 10, B_ID)
    assert document["loop"] is None


def test_transfer_target_rules_are_read_in_its_own_time_zone() -> None:
    # 16:30 in Los Angeles is 19:30 in New York: after hours there.
    b = handling(
        ext_id=B_ID,
        time_zone="America/New_York",
        ah=ah_rule(B_ID, call_handling_action="PlayAnnouncementOnly"),
    )
    a = handling(bh=transfer_to(B_ID))
    document = flow_json(a, Call(la("2026-03-09T16:30")), load_extension=loader(b))
    assert document["rule"]["id"] == "business-hours-rule"
    assert document["transfers"][0]["rule"]["id"] == "after-hours-rule"
    assert then_of(document) == ("Announcement", 0, None)


def test_transfer_chain_of_three_extensions() -> None:
    b = handling(bh=transfer_to(C_ID, B_ID), ext_id=B_ID)
    c = handling(bh=bh_rule(C_ID, call_handling_action="TakeMessagesOnly"), ext_id=C_ID)
    a = handling(bh=transfer_to(B_ID))
    document = flow_json(a, Call(la("2026-03-09T10:00")), load_extension=loader(b, c))
    assert [hop["extension"] for hop in document["transfers"]] == [B_ID, C_ID]
    assert then_of(document) == ("Voicemail", 0, C_ID)


@pytest.mark.parametrize(
    ("a_target", "b_target", "expected_loop"),
    [
        (B_ID, EXT_ID, [EXT_ID, B_ID, EXT_ID]),  # A → B → A
        (EXT_ID, None, [EXT_ID, EXT_ID]),  # A → A
        (B_ID, B_ID, [EXT_ID, B_ID, B_ID]),  # A → B → B
    ],
)
def test_transfer_loop_is_detected_and_reported(
    a_target: str, b_target: str | None, expected_loop: list[str]
) -> None:
    b = handling(bh=transfer_to(b_target, B_ID), ext_id=B_ID)
    a = handling(bh=transfer_to(a_target))
    document = flow_json(a, Call(la("2026-03-09T10:00")), load_extension=loader(a, b))
    assert document["loop"] == expected_loop
    assert document["steps"] == []
    assert then_of(document) == ("Disconnect", 0, None)
    assert document["then"]["reason"] == "transfer loop: " + " → ".join(expected_loop)


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("77777777", "extension 77777777 not found"),
        (None, "transfer.extension.id is not set"),
    ],
)
def test_transfer_to_a_missing_extension_disconnects_with_a_reason(
    target: str | None, reason: str
) -> None:
    document = flow_json(handling(bh=transfer_to(target)), Call(la("2026-03-09T10:00")))
    assert then_of(document) == ("Disconnect", 0, None)
    assert document["then"]["reason"] == reason
    assert document["loop"] is None


def test_an_endless_chain_of_new_extensions_is_cut_off() -> None:
    counter = iter(range(1, 10**6))

    def invent(ext_id: str) -> ExtensionCallHandling:
        return handling(bh=transfer_to(f"9{next(counter)}", ext_id), ext_id=ext_id)

    document = flow_json(
        handling(bh=transfer_to("90")), Call(la("2026-03-09T10:00")), load_extension=invent
    )
    assert len(document["transfers"]) == MAX_TRANSFERS
    assert then_of(document) == ("Disconnect", 0, None)
    assert "transfers" in document["then"]["reason"]


def test_select_rule_does_not_follow_transfers() -> None:
    h = handling(bh=transfer_to(B_ID))
    assert (
        select_rule(h, Call(la("2026-03-09T10:00"))).call_handling_action == "TransferToExtension"
    )
