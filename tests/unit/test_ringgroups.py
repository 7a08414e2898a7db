"""Unit tests of the pure ring-group operations."""

from __future__ import annotations

import pytest

from ringforward.domain.errors import NotFoundError, ValidationError
from ringforward.domain.model import (
    DEFAULT_RING_COUNT,
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

Layout = list[tuple[int, list[str]]]


def make(*entries: tuple[int, list[str]]) -> tuple[ForwardingGroup, ...]:
    """Groups from (ring count, ids) pairs, indexed 1..n."""
    return tuple(
        ForwardingGroup(index=position, ring_count=ring_count, number_ids=tuple(ids))
        for position, (ring_count, ids) in enumerate(entries, start=1)
    )


def layout(groups: tuple[ForwardingGroup, ...]) -> Layout:
    """The groups as (ring count, ids) pairs, after checking indexes are 1..n."""
    assert [group.index for group in groups] == list(range(1, len(groups) + 1))
    return [(group.ring_count, list(group.number_ids)) for group in groups]


TWO_GROUPS = make((3, ["a", "b"]), (5, ["c"]))


# find_group_of


def test_find_group_of_returns_the_index_holding_the_number() -> None:
    assert find_group_of(TWO_GROUPS, "b") == 1
    assert find_group_of(TWO_GROUPS, "c") == 2


def test_find_group_of_an_inactive_number_is_none() -> None:
    assert find_group_of(TWO_GROUPS, "z") is None
    assert find_group_of((), "a") is None


# add_number


def test_add_goes_into_the_first_group_by_default() -> None:
    assert layout(add_number(TWO_GROUPS, "d")) == [(3, ["a", "b", "d"]), (5, ["c"])]


def test_add_to_an_empty_list_starts_group_one() -> None:
    assert layout(add_number((), "a")) == [(DEFAULT_RING_COUNT, ["a"])]


def test_add_to_an_empty_list_uses_the_given_ring_count() -> None:
    assert layout(add_number((), "a", ring_count=7)) == [(7, ["a"])]


def test_add_to_a_named_group() -> None:
    assert layout(add_number(TWO_GROUPS, "d", group=2)) == [(3, ["a", "b"]), (5, ["c", "d"])]


def test_add_with_new_group_appends_a_group_with_the_default_ring_count() -> None:
    result = add_number(TWO_GROUPS, "d", new_group=True)
    assert layout(result) == [(3, ["a", "b"]), (5, ["c"]), (DEFAULT_RING_COUNT, ["d"])]


def test_add_with_new_group_honours_the_ring_count() -> None:
    result = add_number(TWO_GROUPS, "d", new_group=True, ring_count=2)
    assert layout(result)[-1] == (2, ["d"])


def test_add_with_ring_count_to_an_existing_group_sets_its_ring_count() -> None:
    assert layout(add_number(TWO_GROUPS, "d", group=1, ring_count=9))[0] == (9, ["a", "b", "d"])


def test_add_a_number_already_in_the_target_group_changes_nothing() -> None:
    assert add_number(TWO_GROUPS, "b", group=1) == TWO_GROUPS
    assert add_number(TWO_GROUPS, "a") == TWO_GROUPS


def test_add_a_number_from_another_group_moves_it() -> None:
    assert layout(add_number(TWO_GROUPS, "a", group=2)) == [(3, ["b"]), (5, ["c", "a"])]


def test_add_moving_the_last_number_of_an_earlier_entry_closes_the_gap() -> None:
    groups = make((3, ["a"]), (5, ["b"]), (6, ["c"]))
    # Group 3 is named as it stood before the move emptied entry 1.
    assert layout(add_number(groups, "a", group=3)) == [(5, ["b"]), (6, ["c", "a"])]


def test_add_with_new_group_moves_a_number_already_active() -> None:
    result = add_number(TWO_GROUPS, "a", new_group=True)
    assert layout(result) == [(3, ["b"]), (5, ["c"]), (DEFAULT_RING_COUNT, ["a"])]


def test_add_does_not_change_its_input() -> None:
    before = TWO_GROUPS
    add_number(TWO_GROUPS, "d", group=2)
    assert before == make((3, ["a", "b"]), (5, ["c"]))


def test_add_to_unknown_group_is_not_found() -> None:
    with pytest.raises(NotFoundError) as caught:
        add_number(TWO_GROUPS, "d", group=3)
    assert caught.value.message == "Ring group 3 does not exist"
    assert caught.value.parameter_name == "group"


def test_add_to_group_zero_is_not_found() -> None:
    with pytest.raises(NotFoundError):
        add_number(TWO_GROUPS, "d", group=0)


def test_add_to_a_group_on_an_empty_list_is_not_found() -> None:
    with pytest.raises(NotFoundError):
        add_number((), "a", group=1)


def test_add_to_a_full_group_is_refused() -> None:
    full = make((3, [f"n{i}" for i in range(10)]))
    with pytest.raises(ValidationError) as caught:
        add_number(full, "extra")
    assert "Ring group 1 is full" in caught.value.message
    assert "at most 10" in caught.value.message
    assert caught.value.parameter_name == "group"


def test_add_an_existing_member_to_a_full_group_is_still_a_no_op() -> None:
    full = make((3, [f"n{i}" for i in range(10)]))
    assert add_number(full, "n4") == full


def test_add_with_both_group_and_new_group_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        add_number(TWO_GROUPS, "d", group=1, new_group=True)
    assert caught.value.parameter_name == "group"


@pytest.mark.parametrize("ring_count", [0, 16, -1])
def test_add_with_a_ring_count_out_of_range_is_refused(ring_count: int) -> None:
    with pytest.raises(ValidationError) as caught:
        add_number(TWO_GROUPS, "d", new_group=True, ring_count=ring_count)
    assert caught.value.parameter_name == "ringCount"
    assert "between 1 and 15" in caught.value.message


def test_add_an_empty_number_id_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        add_number(TWO_GROUPS, "")
    assert caught.value.parameter_name == "forwardingNumberId"


def test_add_with_a_non_integer_group_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        add_number(TWO_GROUPS, "d", group=True)
    assert caught.value.parameter_name == "group"


def test_add_to_an_input_with_a_duplicated_number_is_refused() -> None:
    broken = make((3, ["a"]), (3, ["a"]))
    with pytest.raises(ValidationError):
        add_number(broken, "d", new_group=True, ring_count=2)


# remove_number


def test_remove_takes_the_number_out_of_its_group() -> None:
    assert layout(remove_number(TWO_GROUPS, "a")) == [(3, ["b"]), (5, ["c"])]


def test_remove_the_only_number_of_an_entry_drops_it_and_renumbers() -> None:
    groups = make((3, ["a"]), (5, ["b"]), (6, ["c"]))
    assert layout(remove_number(groups, "b")) == [(3, ["a"]), (6, ["c"])]


def test_remove_the_last_number_leaves_an_empty_list() -> None:
    assert remove_number(make((3, ["a"])), "a") == ()


def test_remove_an_inactive_number_is_not_found() -> None:
    with pytest.raises(NotFoundError) as caught:
        remove_number(TWO_GROUPS, "z")
    assert "'z'" in caught.value.message
    assert caught.value.parameter_name == "forwardingNumberId"


# create_group


def test_create_merges_single_entries_at_the_earliest_position() -> None:
    groups = make((2, ["a"]), (3, ["b"]), (4, ["c"]), (5, ["d"]))
    result = create_group(groups, ["d", "b"])
    assert layout(result) == [(2, ["a"]), (5, ["b", "d"]), (4, ["c"])]


def test_create_defaults_to_the_largest_ring_count_of_the_merged_entries() -> None:
    groups = make((2, ["a"]), (9, ["b"]), (4, ["c"]))
    assert layout(create_group(groups, ["a", "c"]))[0] == (4, ["a", "c"])
    assert layout(create_group(groups, ["a", "b"]))[0] == (9, ["a", "b"])


def test_create_uses_the_given_ring_count() -> None:
    groups = make((2, ["a"]), (9, ["b"]))
    assert layout(create_group(groups, ["a", "b"], ring_count=1)) == [(1, ["a", "b"])]


def test_create_brings_whole_entries_along() -> None:
    groups = make((2, ["a", "x"]), (3, ["b"]), (4, ["c", "y"]))
    result = create_group(groups, ["a", "c"])
    assert layout(result) == [(4, ["a", "x", "c", "y"]), (3, ["b"])]


def test_create_adds_numbers_not_yet_active_at_the_end_of_the_group() -> None:
    groups = make((2, ["a"]), (6, ["b"]))
    result = create_group(groups, ["new", "b"])
    assert layout(result) == [(2, ["a"]), (6, ["b", "new"])]


def test_create_from_numbers_none_active_appends_a_group() -> None:
    result = create_group(TWO_GROUPS, ["x", "y"])
    assert layout(result) == [(3, ["a", "b"]), (5, ["c"]), (DEFAULT_RING_COUNT, ["x", "y"])]


def test_create_on_an_empty_list() -> None:
    assert layout(create_group((), ["x", "y"], ring_count=2)) == [(2, ["x", "y"])]


def test_create_of_an_existing_group_changes_nothing() -> None:
    assert create_group(TWO_GROUPS, ["b", "a"]) == TWO_GROUPS


def test_create_counts_duplicate_ids_once() -> None:
    with pytest.raises(ValidationError):
        create_group(TWO_GROUPS, ["a", "a"])


@pytest.mark.parametrize("number_ids", [[], ["a"]])
def test_create_with_fewer_than_two_numbers_is_refused(number_ids: list[str]) -> None:
    with pytest.raises(ValidationError) as caught:
        create_group(TWO_GROUPS, number_ids)
    assert "at least 2" in caught.value.message
    assert caught.value.parameter_name == "forwardingNumbers"


def test_create_from_a_bare_string_is_refused() -> None:
    with pytest.raises(ValidationError):
        create_group(TWO_GROUPS, "ab")


def test_create_of_more_than_ten_numbers_is_refused() -> None:
    groups = make((2, [f"n{i}" for i in range(9)]), (3, ["b", "c"]))
    with pytest.raises(ValidationError) as caught:
        create_group(groups, ["n0", "b"])
    assert "11 numbers" in caught.value.message
    assert caught.value.parameter_name == "forwardingNumbers"


def test_create_with_a_ring_count_out_of_range_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        create_group(TWO_GROUPS, ["a", "c"], ring_count=16)
    assert caught.value.parameter_name == "ringCount"


def test_create_with_an_empty_id_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        create_group(TWO_GROUPS, ["a", ""])
    assert caught.value.parameter_name == "forwardingNumberId"


# ungroup


def test_ungroup_splits_in_place_keeping_the_ring_count() -> None:
    groups = make((2, ["x"]), (7, ["a", "b", "c"]), (4, ["y"]))
    result = ungroup(groups, 2)
    assert layout(result) == [(2, ["x"]), (7, ["a"]), (7, ["b"]), (7, ["c"]), (4, ["y"])]


def test_ungroup_a_single_number_entry_changes_nothing() -> None:
    assert ungroup(TWO_GROUPS, 2) == TWO_GROUPS


def test_ungroup_unknown_group_is_not_found() -> None:
    with pytest.raises(NotFoundError) as caught:
        ungroup(TWO_GROUPS, 5)
    assert caught.value.message == "Ring group 5 does not exist"
    assert caught.value.parameter_name == "group"


# move_group


def test_move_group_to_the_front() -> None:
    groups = make((1, ["a"]), (2, ["b"]), (3, ["c"]))
    assert layout(move_group(groups, 3, 1)) == [(3, ["c"]), (1, ["a"]), (2, ["b"])]


def test_move_group_to_the_end() -> None:
    groups = make((1, ["a"]), (2, ["b"]), (3, ["c"]))
    assert layout(move_group(groups, 1, 3)) == [(2, ["b"]), (3, ["c"]), (1, ["a"])]


def test_move_group_to_its_own_place_changes_nothing() -> None:
    assert move_group(TWO_GROUPS, 2, 2) == TWO_GROUPS


def test_move_unknown_group_is_not_found() -> None:
    with pytest.raises(NotFoundError) as caught:
        move_group(TWO_GROUPS, 4, 1)
    assert caught.value.parameter_name == "group"


@pytest.mark.parametrize("to_index", [0, 3])
def test_move_to_a_position_outside_the_list_is_refused(to_index: int) -> None:
    with pytest.raises(ValidationError) as caught:
        move_group(TWO_GROUPS, 1, to_index)
    assert caught.value.parameter_name == "toIndex"
    assert "between 1 and 2" in caught.value.message


# set_ring_count


def test_set_ring_count_changes_only_that_group() -> None:
    assert layout(set_ring_count(TWO_GROUPS, 2, 15)) == [(3, ["a", "b"]), (15, ["c"])]


@pytest.mark.parametrize("ring_count", [0, 16])
def test_set_ring_count_out_of_range_is_refused(ring_count: int) -> None:
    with pytest.raises(ValidationError) as caught:
        set_ring_count(TWO_GROUPS, 1, ring_count)
    assert caught.value.parameter_name == "ringCount"


def test_set_ring_count_of_unknown_group_is_not_found() -> None:
    with pytest.raises(NotFoundError):
        set_ring_count(TWO_GROUPS, 3, 5)


# set_ringing_mode


def test_set_ringing_mode_changes_only_the_mode() -> None:
    settings = ForwardingSettings(groups=TWO_GROUPS, notify_my_soft_phones=False)
    result = set_ringing_mode(settings, "Simultaneously")
    assert result.ringing_mode == "Simultaneously"
    assert result.groups == TWO_GROUPS
    assert result.notify_my_soft_phones is False
    assert settings.ringing_mode == "Sequentially"


@pytest.mark.parametrize("mode", ["simultaneously", "Random", ""])
def test_set_an_unknown_ringing_mode_is_refused(mode: str) -> None:
    with pytest.raises(ValidationError) as caught:
        set_ringing_mode(ForwardingSettings(), mode)
    assert caught.value.parameter_name == "ringingMode"
    assert "Sequentially, Simultaneously" in caught.value.message


# results are renumbered even from a list with gaps in its indexes


def test_results_are_renumbered_from_one() -> None:
    gappy = (
        ForwardingGroup(index=2, ring_count=3, number_ids=("a",)),
        ForwardingGroup(index=7, ring_count=4, number_ids=("b",)),
    )
    assert layout(set_ring_count(gappy, 7, 5)) == [(3, ["a"]), (5, ["b"])]
