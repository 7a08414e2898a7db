"""Ring-group edits as idempotent operations that can be re-applied to a newer forwarding list.

Each ``plan_*`` function checks the request against the list the user saw (raising the
domain's error when it is refused) and returns an :data:`Operation`. An operation may be
applied again to a list read later — after a 412, or when a verify read shows the change
was lost — and applying it to its own result changes nothing, so "is my change still
there?" is simply ``operation(settings) == settings``.

Groups named by index are anchored to the numbers they held when planned: "group 2"
means the group the user saw as group 2, even if someone else reorders the list meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from ringforward.domain.errors import NotFoundError
from ringforward.domain.model import ForwardingGroup, ForwardingSettings
from ringforward.domain.ringgroups import (
    GROUP_PARAMETER,
    add_number,
    create_group,
    find_group_of,
    move_group,
    remove_number,
    set_ring_count,
    set_ringing_mode,
    ungroup,
)

Operation = Callable[[ForwardingSettings], ForwardingSettings]


def _with_groups(
    settings: ForwardingSettings, groups: tuple[ForwardingGroup, ...]
) -> ForwardingSettings:
    return settings if groups == settings.groups else replace(settings, groups=groups)


def _members(groups: Sequence[ForwardingGroup], index: int) -> tuple[str, ...]:
    for group in groups:
        if group.index == index:
            return group.number_ids
    return ()


def _group(groups: Sequence[ForwardingGroup], index: int) -> ForwardingGroup | None:
    return next((group for group in groups if group.index == index), None)


def _anchored(anchor: Sequence[str], groups: Sequence[ForwardingGroup]) -> int | None:
    """The current index of the group holding the first still-active anchor number."""
    for number_id in anchor:
        index = find_group_of(groups, number_id)
        if index is not None:
            return index
    return None


def _require_anchor(anchor: Sequence[str], groups: Sequence[ForwardingGroup], index: int) -> int:
    found = _anchored(anchor, groups)
    if found is None:
        raise NotFoundError(
            f"Ring group {index} was changed meanwhile: none of its numbers is in the "
            "forwarding list any more",
            parameter_name=GROUP_PARAMETER,
        )
    return found


def plan_add(
    settings: ForwardingSettings,
    number_id: str,
    *,
    group: int | None = None,
    new_group: bool = False,
    ring_count: int | None = None,
) -> Operation:
    """Put ``number_id`` in group ``group`` (default the first) or a new last group."""
    add_number(settings.groups, number_id, group=group, new_group=new_group, ring_count=ring_count)
    if new_group:

        def to_new_group(current: ForwardingSettings) -> ForwardingSettings:
            index = find_group_of(current.groups, number_id)
            entry = _group(current.groups, index) if index is not None else None
            if (
                entry is not None
                and entry.number_ids == (number_id,)
                and (ring_count is None or entry.ring_count == ring_count)
            ):
                return current
            groups = add_number(current.groups, number_id, new_group=True, ring_count=ring_count)
            return _with_groups(current, groups)

        return to_new_group

    target = group if group is not None else (1 if settings.groups else None)
    anchor = tuple(n for n in _members(settings.groups, target or 0) if n != number_id)

    def to_group(current: ForwardingSettings) -> ForwardingSettings:
        index: int | None
        if anchor:
            assert target is not None
            index = _require_anchor(anchor, current.groups, target)
        elif find_group_of(current.groups, number_id) is not None:
            # The target was the number's own entry (or the list was empty): it stays put.
            index = find_group_of(current.groups, number_id)
        else:
            index = target if current.groups else None
        groups = add_number(current.groups, number_id, group=index, ring_count=ring_count)
        return _with_groups(current, groups)

    return to_group


def plan_remove(settings: ForwardingSettings, number_id: str) -> Operation:
    """Take ``number_id`` out of the list (refused when it is not in it to begin with)."""
    remove_number(settings.groups, number_id)

    def take_out(current: ForwardingSettings) -> ForwardingSettings:
        if find_group_of(current.groups, number_id) is None:
            return current
        return _with_groups(current, remove_number(current.groups, number_id))

    return take_out


def plan_create(
    settings: ForwardingSettings, number_ids: Sequence[str], *, ring_count: int | None = None
) -> Operation:
    """Merge the entries holding ``number_ids`` into one ring group."""
    wanted = tuple(number_ids)
    create_group(settings.groups, wanted, ring_count=ring_count)

    def merge(current: ForwardingSettings) -> ForwardingSettings:
        return _with_groups(current, create_group(current.groups, wanted, ring_count=ring_count))

    return merge


def plan_ungroup(settings: ForwardingSettings, index: int) -> Operation:
    """Split group ``index`` into one entry per number."""
    ungroup(settings.groups, index)
    anchor = set(_members(settings.groups, index))

    def split(current: ForwardingSettings) -> ForwardingSettings:
        groups = current.groups
        # Split whatever still holds two or more of the group's numbers; singles stay.
        while True:
            joined = next((g for g in groups if len(anchor.intersection(g.number_ids)) > 1), None)
            if joined is None:
                return _with_groups(current, groups)
            groups = ungroup(groups, joined.index)

    return split


GroupChange = Callable[[tuple[ForwardingGroup, ...], int], tuple[ForwardingGroup, ...]]


def _on_group(settings: ForwardingSettings, index: int, change: GroupChange) -> Operation:
    """``change`` applied to the group that is ``index`` now, wherever it is by then."""
    change(settings.groups, index)  # refuse at once what cannot be done
    anchor = _members(settings.groups, index)

    def apply(current: ForwardingSettings) -> ForwardingSettings:
        now = _require_anchor(anchor, current.groups, index)
        return _with_groups(current, change(current.groups, now))

    return apply


def plan_move(settings: ForwardingSettings, index: int, to_index: int) -> Operation:
    """Move group ``index`` to position ``to_index``."""
    return _on_group(settings, index, lambda groups, at: move_group(groups, at, to_index))


def plan_ring_count(settings: ForwardingSettings, index: int, ring_count: int) -> Operation:
    """Give group ``index`` ``ring_count`` rings."""
    return _on_group(settings, index, lambda groups, at: set_ring_count(groups, at, ring_count))


def plan_mode(settings: ForwardingSettings, mode: str) -> Operation:
    """Ring the list ``Sequentially`` or ``Simultaneously``."""
    set_ringing_mode(settings, mode)

    def ringing(current: ForwardingSettings) -> ForwardingSettings:
        if current.ringing_mode == mode:
            return current
        return set_ringing_mode(current, mode)

    return ringing
