"""Property-based tests: no sequence of ring-group operations can break the forwarding list."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from ringforward.domain.errors import DomainError
from ringforward.domain.forwarding_list import without_numbers
from ringforward.domain.model import (
    MAX_NUMBERS_PER_GROUP,
    MAX_RING_COUNT,
    MIN_RING_COUNT,
    RINGING_MODES,
    ForwardingGroup,
    ForwardingSettings,
)
from ringforward.domain.ringgroups import (
    add_number,
    create_group,
    find_group_of,
    move_group,
    remove_number,
    set_ring_count,
    set_ringing_mode,
    ungroup,
)

Groups = tuple[ForwardingGroup, ...]

# Enough ids to fill more than one group past its limit, so "full" paths get exercised.
IDS = [f"n{i}" for i in range(24)]
number_ids = st.sampled_from(IDS)
# Mostly valid values, so sequences get long; sometimes out of range, so refusals happen too.
any_index = st.integers(1, 4) | st.integers(-1, 12)
valid_ring_count = st.integers(min_value=MIN_RING_COUNT, max_value=MAX_RING_COUNT)
any_ring_count = st.integers(min_value=MIN_RING_COUNT - 1, max_value=MAX_RING_COUNT + 1)


@st.composite
def valid_groups(draw: st.DrawFn) -> Groups:
    """A well-formed forwarding list over some of ``IDS``."""
    count = draw(st.integers(0, 16))
    rest = list(draw(st.permutations(IDS)))[:count]
    groups: list[ForwardingGroup] = []
    while rest:
        # Full groups are drawn often, so the "group is full" refusal gets exercised.
        size = draw(st.integers(1, MAX_NUMBERS_PER_GROUP) | st.just(MAX_NUMBERS_PER_GROUP))
        size = min(size, len(rest))
        members, rest = rest[:size], rest[size:]
        groups.append(ForwardingGroup(len(groups) + 1, draw(valid_ring_count), tuple(members)))
    return tuple(groups)


@dataclass(frozen=True)
class Op:
    """One call of an operation, printed readably when hypothesis shrinks a failure."""

    name: str
    call: Callable[[Groups], Groups]
    args: tuple[Any, ...]

    def __repr__(self) -> str:
        return f"{self.name}{self.args!r}"


def _add(number_id: str, group: int | None, new_group: bool, ring_count: int | None) -> Op:
    return Op(
        "add_number",
        lambda gs: add_number(
            gs, number_id, group=group, new_group=new_group, ring_count=ring_count
        ),
        (number_id, group, new_group, ring_count),
    )


def _create(ids: list[str], ring_count: int | None) -> Op:
    return Op(
        "create_group", lambda gs: create_group(gs, ids, ring_count=ring_count), (ids, ring_count)
    )


def _mode(mode: str) -> Op:
    # The mode lives beside the groups; the groups must come back untouched.
    return Op(
        "set_ringing_mode",
        lambda gs: set_ringing_mode(ForwardingSettings(groups=gs), mode).groups,
        (mode,),
    )


operations = st.one_of(
    st.builds(
        _add,
        st.sampled_from([*IDS, ""]),
        st.none() | any_index,
        st.just(False),
        st.none() | any_ring_count,
    ),
    st.builds(_add, number_ids, st.none() | any_index, st.just(True), st.none() | any_ring_count),
    st.builds(lambda n: Op("remove_number", lambda gs: remove_number(gs, n), (n,)), number_ids),
    st.builds(
        _create,
        st.lists(number_ids, max_size=4) | st.lists(number_ids, max_size=12),
        st.none() | any_ring_count,
    ),
    st.builds(lambda i: Op("ungroup", lambda gs: ungroup(gs, i), (i,)), any_index),
    st.builds(
        lambda i, to: Op("move_group", lambda gs: move_group(gs, i, to), (i, to)),
        any_index,
        any_index,
    ),
    st.builds(
        lambda i, rc: Op("set_ring_count", lambda gs: set_ring_count(gs, i, rc), (i, rc)),
        any_index,
        any_ring_count,
    ),
    st.builds(_mode, st.sampled_from([*RINGING_MODES, "sequentially", "Bogus"])),
)


def assert_well_formed(groups: Groups) -> None:
    assert isinstance(groups, tuple)
    assert [group.index for group in groups] == list(range(1, len(groups) + 1))
    flat = [number_id for group in groups for number_id in group.number_ids]
    assert len(flat) == len(set(flat)), "a number sits in more than one place"
    for group in groups:
        assert MIN_RING_COUNT <= group.ring_count <= MAX_RING_COUNT
        assert 1 <= len(group.number_ids) <= MAX_NUMBERS_PER_GROUP


def active(groups: Groups) -> set[str]:
    return {number_id for group in groups for number_id in group.number_ids}


def shape(groups: Groups) -> list[tuple[int, tuple[str, ...]]]:
    return [(group.ring_count, group.number_ids) for group in groups]


@given(valid_groups(), st.lists(operations, max_size=25))
def test_any_sequence_of_operations_keeps_the_list_well_formed(
    start: Groups, ops: list[Op]
) -> None:
    groups = start
    for op in ops:
        snapshot = copy.deepcopy(groups)
        try:
            result = op.call(groups)
        except DomainError:
            # A refused operation leaves its input exactly as it was.
            assert groups == snapshot
            continue
        assert groups == snapshot, "an operation changed its input"
        assert_well_formed(result)
        groups = result


@given(
    valid_groups(),
    number_ids,
    st.none() | st.integers(1, 6),
    st.booleans(),
)
def test_add_moves_only_the_added_number(
    groups: Groups, number_id: str, group: int | None, new_group: bool
) -> None:
    if new_group:
        group = None
    try:
        result = add_number(groups, number_id, group=group, new_group=new_group)
    except DomainError:
        return
    assert active(result) == active(groups) | {number_id}
    # Everybody else keeps their groups, their order and their ring counts.
    assert without_numbers(result, [number_id]) == without_numbers(groups, [number_id])
    where = find_group_of(result, number_id)
    assert where is not None
    if new_group:
        assert where == len(result)


@given(valid_groups(), st.data())
def test_add_to_a_group_with_room_never_fails(groups: Groups, data: st.DataObject) -> None:
    roomy = [g.index for g in groups if len(g.number_ids) < MAX_NUMBERS_PER_GROUP]
    if not roomy:
        return
    target = data.draw(st.sampled_from(roomy))
    number_id = data.draw(number_ids)
    result = add_number(groups, number_id, group=target)
    assert_well_formed(result)
    # The target may have shifted if the move emptied an earlier entry; its members have not.
    home = find_group_of(result, number_id)
    companions = [n for n in groups[target - 1].number_ids if n != number_id]
    assert all(find_group_of(result, n) == home for n in companions)


@given(valid_groups(), number_ids)
def test_remove_changes_nothing_but_that_number(groups: Groups, number_id: str) -> None:
    try:
        result = remove_number(groups, number_id)
    except DomainError:
        assert find_group_of(groups, number_id) is None
        return
    assert result == without_numbers(groups, [number_id])
    assert find_group_of(result, number_id) is None


@given(valid_groups(), st.lists(number_ids, min_size=2, max_size=6, unique=True))
def test_create_puts_the_numbers_together_and_leaves_the_rest(
    groups: Groups, wanted: list[str]
) -> None:
    try:
        result = create_group(groups, wanted)
    except DomainError:
        return
    homes = {find_group_of(result, number_id) for number_id in wanted}
    assert len(homes) == 1 and None not in homes
    assert active(result) == active(groups) | set(wanted)
    merged = [g for g in groups if set(g.number_ids) & set(wanted)]
    moved = {number_id for g in merged for number_id in g.number_ids} | set(wanted)
    assert without_numbers(result, moved) == without_numbers(groups, moved)


@given(valid_groups(), st.data())
def test_ungroup_keeps_everyone_in_the_same_order(groups: Groups, data: st.DataObject) -> None:
    if not groups:
        return
    index = data.draw(st.integers(1, len(groups)))
    result = ungroup(groups, index)
    flat_before = [n for g in groups for n in g.number_ids]
    assert [n for g in result for n in g.number_ids] == flat_before
    assert len(result) == len(groups) - 1 + len(groups[index - 1].number_ids)


@given(valid_groups(), st.data())
def test_move_puts_the_group_where_asked(groups: Groups, data: st.DataObject) -> None:
    if not groups:
        return
    index = data.draw(st.integers(1, len(groups)))
    to_index = data.draw(st.integers(1, len(groups)))
    result = move_group(groups, index, to_index)
    moved = groups[index - 1]
    assert shape(result)[to_index - 1] == (moved.ring_count, moved.number_ids)
    assert sorted(shape(result)) == sorted(shape(groups))


@given(valid_groups(), st.data())
def test_set_ring_count_touches_one_group(groups: Groups, data: st.DataObject) -> None:
    if not groups:
        return
    index = data.draw(st.integers(1, len(groups)))
    ring_count = data.draw(valid_ring_count)
    result = set_ring_count(groups, index, ring_count)
    expected = shape(groups)
    expected[index - 1] = (ring_count, groups[index - 1].number_ids)
    assert shape(result) == expected
