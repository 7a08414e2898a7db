"""Pure ring-group operations over a rule's forwarding list, each returning a new valid list."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from ringforward.domain.errors import NotFoundError, ValidationError, invalid
from ringforward.domain.forwarding_list import (
    check_groups,
    group_size_problem,
    renumber,
    ring_count_problem,
)
from ringforward.domain.model import (
    DEFAULT_RING_COUNT,
    RINGING_MODES,
    ForwardingGroup,
    ForwardingSettings,
)

Groups = tuple[ForwardingGroup, ...]

# Parameter names carried by the errors, so callers (CLI, portal) can point at the culprit.
GROUP_PARAMETER = "group"
TO_INDEX_PARAMETER = "toIndex"
NUMBER_PARAMETER = "forwardingNumberId"
NUMBERS_PARAMETER = "forwardingNumbers"
RING_COUNT_PARAMETER = "ringCount"
RINGING_MODE_PARAMETER = "ringingMode"


def find_group_of(groups: Sequence[ForwardingGroup], number_id: str) -> int | None:
    """The index of the entry holding ``number_id``, or None when the number is not active."""
    for group in groups:
        if number_id in group.number_ids:
            return group.index
    return None


def add_number(
    groups: Sequence[ForwardingGroup],
    number_id: str,
    *,
    group: int | None = None,
    new_group: bool = False,
    ring_count: int | None = None,
) -> Groups:
    """Put ``number_id`` into group ``group`` (default: the first) or, with ``new_group``, a new
    last group.

    A number already in the target group stays where it is; a number in another entry is
    *moved*, because a number may ring from one place only and the caller asked for it to
    ring with the target. ``group`` names the index as it stands before the move, even if
    the move empties an earlier entry. With an empty list the number starts group 1.
    ``ring_count`` is the new group's ring count (default ``DEFAULT_RING_COUNT``); when
    adding to an existing group it replaces that group's ring count.
    """
    _require_number_id(number_id)
    if ring_count is not None:
        _require_ring_count(ring_count)
    if new_group and group is not None:
        raise invalid(GROUP_PARAMETER, "give a group index or ask for a new group, not both")
    known = _ids_of(groups) | {number_id}
    if new_group or (group is None and not groups):
        created = ForwardingGroup(
            index=len(groups) + 1,
            ring_count=DEFAULT_RING_COUNT if ring_count is None else ring_count,
            number_ids=(number_id,),
        )
        return _finish([*(_without(entry, number_id) for entry in groups), created], known)

    position = 0 if group is None else _position_of(groups, group)
    target = groups[position]
    if ring_count is not None:
        target = replace(target, ring_count=ring_count)
    if number_id not in target.number_ids:
        size_problem = group_size_problem(len(target.number_ids) + 1)
        if size_problem:
            raise ValidationError(
                f"Ring group {target.index} is full: {size_problem}",
                parameter_name=GROUP_PARAMETER,
            )
        target = replace(target, number_ids=(*target.number_ids, number_id))
    updated = [
        target if spot == position else _without(entry, number_id)
        for spot, entry in enumerate(groups)
    ]
    return _finish(updated, known)


def remove_number(groups: Sequence[ForwardingGroup], number_id: str) -> Groups:
    """Take ``number_id`` out of the list; an entry left empty vanishes and indexes close up.

    Removing the last number leaves an empty list, which the platform accepts (only the
    user's apps ring then).
    """
    _require_number_id(number_id)
    if find_group_of(groups, number_id) is None:
        raise NotFoundError(
            f"Forwarding number {number_id!r} is not in the forwarding list",
            parameter_name=NUMBER_PARAMETER,
        )
    return _finish([_without(entry, number_id) for entry in groups], _ids_of(groups))


def create_group(
    groups: Sequence[ForwardingGroup],
    number_ids: Iterable[str],
    *,
    ring_count: int | None = None,
) -> Groups:
    """Merge the entries holding ``number_ids`` into one ring group, like "Create Ring Group".

    Whole entries are merged (a group's other members come along, as when ticking that
    group in the portal); numbers not yet in the list join at the end of the new group.
    The group takes the place of the earliest merged entry, or goes last when none of the
    numbers was active. Its ring count defaults to the largest among the merged entries,
    so nobody who used to ring gets fewer rings; ``DEFAULT_RING_COUNT`` when none was
    active. Duplicate ids count once.
    """
    if isinstance(number_ids, str):
        # A bare string would be read as one id per character.
        raise invalid(NUMBERS_PARAMETER, "give a list of forwarding number ids")
    wanted = list(dict.fromkeys(number_ids))
    for number_id in wanted:
        _require_number_id(number_id)
    if len(wanted) < 2:
        raise ValidationError(
            "A ring group needs at least 2 different forwarding numbers",
            parameter_name=NUMBERS_PARAMETER,
        )
    if ring_count is not None:
        _require_ring_count(ring_count)

    wanted_set = set(wanted)
    merged_positions = [
        spot for spot, entry in enumerate(groups) if wanted_set.intersection(entry.number_ids)
    ]
    members = [number_id for spot in merged_positions for number_id in groups[spot].number_ids]
    active = set(members)
    members.extend(number_id for number_id in wanted if number_id not in active)
    size_problem = group_size_problem(len(members))
    if size_problem:
        raise ValidationError(
            f"The new ring group would hold {len(members)} numbers: {size_problem}",
            parameter_name=NUMBERS_PARAMETER,
        )
    if ring_count is None:
        ring_count = max(
            (groups[spot].ring_count for spot in merged_positions), default=DEFAULT_RING_COUNT
        )
    merged = ForwardingGroup(index=0, ring_count=ring_count, number_ids=tuple(members))
    place = merged_positions[0] if merged_positions else len(groups)
    # Nothing before ``place`` is merged, so inserting there keeps everyone else's order.
    kept = [entry for spot, entry in enumerate(groups) if spot not in merged_positions]
    kept.insert(place, merged)
    return _finish(kept, _ids_of(groups) | wanted_set)


def ungroup(groups: Sequence[ForwardingGroup], index: int) -> Groups:
    """Split group ``index`` into one entry per number, in place, each keeping its ring count.

    An entry of one number is left as it is, so ungrouping twice is harmless.
    """
    position = _position_of(groups, index)
    split = groups[position]
    singles = [replace(split, number_ids=(number_id,)) for number_id in split.number_ids]
    updated = [*groups[:position], *singles, *groups[position + 1 :]]
    return _finish(updated, _ids_of(groups))


def move_group(groups: Sequence[ForwardingGroup], index: int, to_index: int) -> Groups:
    """Move group ``index`` so that it ends up at position ``to_index`` (1..n)."""
    position = _position_of(groups, index)
    if isinstance(to_index, bool) or not isinstance(to_index, int):
        raise invalid(TO_INDEX_PARAMETER, "must be an integer")
    if not 1 <= to_index <= len(groups):
        raise invalid(TO_INDEX_PARAMETER, f"must be between 1 and {len(groups)}")
    updated = list(groups)
    moved = updated.pop(position)
    updated.insert(to_index - 1, moved)
    return _finish(updated, _ids_of(groups))


def set_ring_count(groups: Sequence[ForwardingGroup], index: int, ring_count: int) -> Groups:
    """Give group ``index`` a ring count of ``ring_count`` rings."""
    position = _position_of(groups, index)
    _require_ring_count(ring_count)
    updated = list(groups)
    updated[position] = replace(updated[position], ring_count=ring_count)
    return _finish(updated, _ids_of(groups))


def set_ringing_mode(settings: ForwardingSettings, mode: str) -> ForwardingSettings:
    """The settings with ``ringingMode`` set to ``mode`` (one of ``RINGING_MODES``)."""
    if mode not in RINGING_MODES:
        raise invalid(RINGING_MODE_PARAMETER, f"must be one of {', '.join(RINGING_MODES)}")
    check_groups(settings.groups, _ids_of(settings.groups))
    return replace(settings, ringing_mode=mode)


def _finish(groups: Iterable[ForwardingGroup], known_ids: set[str]) -> Groups:
    """Renumber and check the result, so that no operation can hand back a broken list."""
    result = renumber(groups)
    check_groups(result, known_ids)
    return result


def _ids_of(groups: Iterable[ForwardingGroup]) -> set[str]:
    return {number_id for group in groups for number_id in group.number_ids}


def _without(group: ForwardingGroup, number_id: str) -> ForwardingGroup:
    if number_id not in group.number_ids:
        return group
    return replace(group, number_ids=tuple(n for n in group.number_ids if n != number_id))


def _position_of(groups: Sequence[ForwardingGroup], index: int) -> int:
    """Where group ``index`` sits in ``groups``, or a NotFoundError naming it."""
    if isinstance(index, bool) or not isinstance(index, int):
        raise invalid(GROUP_PARAMETER, "must be an integer")
    for position, group in enumerate(groups):
        if group.index == index:
            return position
    raise NotFoundError(f"Ring group {index} does not exist", parameter_name=GROUP_PARAMETER)


def _require_ring_count(ring_count: int) -> None:
    problem = ring_count_problem(ring_count)
    if problem:
        raise invalid(RING_COUNT_PARAMETER, problem)


def _require_number_id(number_id: str) -> None:
    if not isinstance(number_id, str) or not number_id:
        raise invalid(NUMBER_PARAMETER, "must be a forwarding number id")


__all__ = [
    "add_number",
    "create_group",
    "find_group_of",
    "move_group",
    "remove_number",
    "set_ring_count",
    "set_ringing_mode",
    "ungroup",
]
