"""Merging and moving v2 ring groups, with the other actions kept in place."""

from __future__ import annotations

from typing import Any

import pytest

from ringforward.domain.comm_handling.model import apps_action, voicemail_action
from ringforward.domain.comm_handling.ring_groups import merge_groups, move_group
from ringforward.domain.errors import ValidationError


def group(*numbers: str, duration: int = 15, offset: int = 0) -> dict[str, Any]:
    return {
        "type": "RingGroupAction",
        "enabled": True,
        "duration": duration,
        "customStartOffset": offset,
        "targets": [
            {"type": "PhoneNumberRingTarget", "destination": {"phoneNumber": n}} for n in numbers
        ],
    }


def phones(dispatching: dict[str, Any]) -> list[list[str]]:
    return [
        [t["destination"]["phoneNumber"] for t in a["targets"]]
        for a in dispatching["actions"]
        if a["type"] == "RingGroupAction"
    ]


BASE = {
    "type": "Custom",
    "actions": [
        apps_action(),
        group("+1", duration=10, offset=5),
        group("+2", "+1", duration=20, offset=0),
        group("+3"),
        voicemail_action(),
    ],
}


def test_merge_puts_groups_together_at_the_first_place() -> None:
    merged = merge_groups(BASE, [3, 1])
    assert phones(merged) == [["+1", "+3"], ["+2", "+1"]]
    first = merged["actions"][1]
    assert (first["duration"], first["customStartOffset"]) == (15, 0)
    assert merged["actions"][0]["type"] == "RingAlwaysGroupAction"
    assert merged["actions"][-1]["type"] == "TerminatingAction"
    assert phones(merge_groups(BASE, [1, 2])) == [["+1", "+2"], ["+3"]]


def test_move_keeps_the_other_actions_in_place() -> None:
    moved = move_group(BASE, 3, 1)
    assert phones(moved) == [["+3"], ["+1"], ["+2", "+1"]]
    assert moved["actions"][0] == BASE["actions"][0]
    assert moved["actions"][-1] == BASE["actions"][-1]


@pytest.mark.parametrize("numbers", [[1], [1, 1], [1, 9], [0, 2]])
def test_bad_merges_are_refused(numbers: list[int]) -> None:
    with pytest.raises(ValidationError):
        merge_groups(BASE, numbers)


def test_a_merge_past_ten_targets_is_refused() -> None:
    big = {
        "type": "RingInOrder",
        "actions": [group(*[f"+{i}" for i in range(6)]), group(*[f"+{i}" for i in range(6, 12)])],
    }
    with pytest.raises(ValidationError):
        merge_groups(big, [1, 2])


def test_move_to_a_missing_place_is_refused() -> None:
    with pytest.raises(ValidationError):
        move_group(BASE, 1, 4)
