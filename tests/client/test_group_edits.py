"""Re-appliable ring-group edits and the forwarding JSON conversion, without any I/O."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ringforward.client import group_edits
from ringforward.client.forwarding import (
    NumberInfo,
    group_document,
    rules_json,
    settings_from_rule,
    update_body,
)
from ringforward.client.group_edits import Operation
from ringforward.domain.errors import DomainError, NotFoundError
from ringforward.domain.model import ForwardingGroup, ForwardingSettings

IDS = [f"n{i}" for i in range(14)]


def listing(*groups: tuple[int, tuple[str, ...]]) -> ForwardingSettings:
    return ForwardingSettings(
        groups=tuple(ForwardingGroup(i, rc, ids) for i, (rc, ids) in enumerate(groups, start=1))
    )


def members(settings: ForwardingSettings) -> list[tuple[str, ...]]:
    return [group.number_ids for group in settings.groups]


BASE = listing((3, ("a", "b")), (2, ("c",)), (4, ("d", "e")))


@st.composite
def forwarding_lists(draw: st.DrawFn) -> ForwardingSettings:
    rest = list(draw(st.permutations(IDS)))[: draw(st.integers(0, 12))]
    groups: list[tuple[int, tuple[str, ...]]] = []
    while rest:
        size = draw(st.integers(1, 4))
        groups.append((draw(st.integers(1, 15)), tuple(rest[:size])))
        rest = rest[size:]
    return replace(
        listing(*groups), ringing_mode=draw(st.sampled_from(["Sequentially", "Simultaneously"]))
    )


def plans(settings: ForwardingSettings, draw: st.DrawFn) -> Operation:
    number = draw(st.sampled_from(IDS))
    index = draw(st.integers(1, 5))
    choice = draw(st.integers(0, 6))
    if choice == 0:
        new_group = draw(st.booleans())
        return group_edits.plan_add(
            settings,
            number,
            group=None if new_group else index,
            new_group=new_group,
            ring_count=draw(st.none() | st.integers(1, 15)),
        )
    if choice == 1:
        return group_edits.plan_remove(settings, number)
    if choice == 2:
        return group_edits.plan_create(
            settings, draw(st.lists(st.sampled_from(IDS), min_size=2, max_size=4))
        )
    if choice == 3:
        return group_edits.plan_ungroup(settings, index)
    if choice == 4:
        return group_edits.plan_move(settings, index, draw(st.integers(1, 5)))
    if choice == 5:
        return group_edits.plan_ring_count(settings, index, draw(st.integers(1, 15)))
    return group_edits.plan_mode(
        settings, draw(st.sampled_from(["Sequentially", "Simultaneously"]))
    )


@given(st.data())
def test_every_edit_is_idempotent_so_holding_means_reapplying_changes_nothing(
    data: st.DataObject,
) -> None:
    start = data.draw(forwarding_lists())
    try:
        operation = plans(start, data.draw)
    except DomainError:
        return  # refused up front, as the CLI reports it
    once = operation(start)
    assert operation(once) == once


@given(st.data())
def test_re_applying_to_a_list_changed_by_others_is_idempotent_too(data: st.DataObject) -> None:
    start = data.draw(forwarding_lists())
    try:
        operation = plans(start, data.draw)
    except DomainError:
        return
    meanwhile = data.draw(forwarding_lists())
    try:
        again = operation(meanwhile)
    except DomainError:
        return  # e.g. the group the user meant has vanished: refused, not guessed
    assert operation(again) == again


def test_add_targets_the_group_the_user_saw_even_after_a_reorder() -> None:
    operation = group_edits.plan_add(BASE, "x", group=2)
    reordered = listing((2, ("c",)), (3, ("a", "b")), (4, ("d", "e")))
    assert members(operation(reordered)) == [("c", "x"), ("a", "b"), ("d", "e")]


def test_add_to_the_first_group_of_an_empty_list_starts_it_once() -> None:
    operation = group_edits.plan_add(listing(), "x")
    once = operation(listing())
    assert members(once) == [("x",)] and operation(once) == once


def test_add_to_a_new_group_is_not_repeated_when_re_applied() -> None:
    operation = group_edits.plan_add(BASE, "x", new_group=True)
    once = operation(BASE)
    assert members(once)[-1] == ("x",) and operation(once) == once


def test_remove_of_a_number_someone_else_already_removed_is_done() -> None:
    operation = group_edits.plan_remove(BASE, "c")
    assert operation(listing((3, ("a", "b")))) == listing((3, ("a", "b")))


def test_remove_of_a_number_not_in_the_list_is_refused_up_front() -> None:
    with pytest.raises(NotFoundError):
        group_edits.plan_remove(BASE, "zz")


def test_ungroup_splits_the_group_again_after_a_lost_update() -> None:
    operation = group_edits.plan_ungroup(BASE, 1)
    assert members(operation(BASE)) == [("a",), ("b",), ("c",), ("d", "e")]
    assert members(operation(BASE)) == members(operation(operation(BASE)))


def test_move_and_ring_count_follow_their_group_and_refuse_when_it_vanished() -> None:
    move = group_edits.plan_move(BASE, 3, 1)
    count = group_edits.plan_ring_count(BASE, 3, 9)
    reordered = listing((4, ("d", "e")), (3, ("a", "b")), (2, ("c",)))
    assert members(move(reordered)) == [("d", "e"), ("a", "b"), ("c",)]
    assert count(reordered).groups[0].ring_count == 9
    gone = listing((3, ("a", "b")), (2, ("c",)))
    for operation in (move, count):
        with pytest.raises(NotFoundError, match="changed meanwhile"):
            operation(gone)


def test_ringcentral_json_becomes_domain_values_and_back() -> None:
    rule = {
        "id": "business-hours-rule",
        "forwarding": {
            "ringingMode": "Simultaneously",
            "notifyMySoftPhones": False,
            "rules": [
                {"index": 2, "ringCount": 5, "forwardingNumbers": [{"id": "2"}, {"id": "3"}]},
                {
                    "index": 1,
                    "ringCount": 3,
                    "forwardingNumbers": [{"phoneNumber": "(650) 555-0100"}],
                },
                {"enabled": False, "ringCount": 4, "forwardingNumbers": [{"id": "4"}]},
            ],
        },
    }
    numbers = [NumberInfo("1", "+16505550100", "Mine"), NumberInfo("4", None, "Desk")]
    settings_ = settings_from_rule(rule, numbers)
    assert settings_.ringing_mode == "Simultaneously" and not settings_.notify_my_soft_phones
    assert settings_.groups == (ForwardingGroup(1, 3, ("1",)), ForwardingGroup(2, 5, ("2", "3")))
    assert rules_json(settings_.groups)[1] == {
        "index": 2,
        "ringCount": 5,
        "forwardingNumbers": [{"id": "2"}, {"id": "3"}],
    }
    assert settings_from_rule({"id": "after-hours-rule"}) == ForwardingSettings()
    document = group_document("business-hours-rule", settings_, numbers)
    assert document["inactive"] == [{"id": "4", "phoneNumber": None, "label": "Desk"}]


def test_the_update_body_holds_only_what_changed() -> None:
    assert update_body(BASE, BASE) is None
    assert update_body(BASE, replace(BASE, ringing_mode="Simultaneously")) == {
        "forwarding": {"ringingMode": "Simultaneously"}
    }
    moved = group_edits.plan_move(BASE, 3, 1)(BASE)
    assert update_body(BASE, moved) == {"forwarding": {"rules": rules_json(moved.groups)}}
