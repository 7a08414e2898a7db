"""Ring-group edits on v2 dispatching: merge groups into one, move a group, add or remove
one target.

Groups are numbered 1..n among the RingGroupActions; the other actions (apps,
greetings, voicemail) keep their places, the groups fill the slots groups held.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ringforward.domain.comm_handling.dispatching import target_key
from ringforward.domain.comm_handling.model import MAX_TARGETS_PER_GROUP, voicemail_action
from ringforward.domain.errors import invalid

GROUP = "group"


def _split(dispatching: dict[str, Any]) -> tuple[list[int], list[dict[str, Any]]]:
    slots = [i for i, a in enumerate(dispatching["actions"]) if a["type"] == "RingGroupAction"]
    return slots, [dispatching["actions"][i] for i in slots]


def _with_groups(
    dispatching: dict[str, Any], slots: Sequence[int], groups: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    others = [a for a in dispatching["actions"] if a["type"] != "RingGroupAction"]
    first = slots[0] if slots else len(others)
    before = sum(1 for i in range(first) if dispatching["actions"][i]["type"] != "RingGroupAction")
    actions = [*others[:before], *groups, *others[before:]]
    return {**dispatching, "actions": actions}


def _check(number: int, count: int) -> int:
    if not 1 <= number <= count:
        raise invalid(GROUP, f"there is no ring group {number}")
    return number - 1


def merge_groups(dispatching: dict[str, Any], numbers: Sequence[int]) -> dict[str, Any]:
    """One ring group of groups ``numbers`` at the first one's place ("Create Ring Group"):
    their targets in order, the longest duration, the earliest start."""
    slots, groups = _split(dispatching)
    chosen = sorted({_check(n, len(groups)) for n in numbers})
    if len(chosen) < 2:
        raise invalid(GROUP, "choose at least two ring groups to put together")
    targets: list[dict[str, Any]] = []
    for index in chosen:
        for target in groups[index]["targets"]:
            if target_key(target) not in {target_key(t) for t in targets}:
                targets.append(target)
    if len(targets) > MAX_TARGETS_PER_GROUP:
        raise invalid(GROUP, f"a ring group holds at most {MAX_TARGETS_PER_GROUP} targets")
    merged = {
        **groups[chosen[0]],
        "enabled": any(groups[i]["enabled"] for i in chosen),
        "duration": max(groups[i]["duration"] for i in chosen),
        "customStartOffset": min(groups[i].get("customStartOffset", 0) for i in chosen),
        "targets": targets,
    }
    result = [
        merged if i == chosen[0] else group
        for i, group in enumerate(groups)
        if i == chosen[0] or i not in chosen
    ]
    return _with_groups(dispatching, slots, result)


def move_group(dispatching: dict[str, Any], number: int, to: int) -> dict[str, Any]:
    """Group ``number`` moved to position ``to`` (both 1-based)."""
    slots, groups = _split(dispatching)
    source = _check(number, len(groups))
    target = _check(to, len(groups))
    moved = [g for i, g in enumerate(groups) if i != source]
    moved.insert(target, groups[source])
    return _with_groups(dispatching, slots, moved)


def add_phone(dispatching: dict[str, Any], number: int, phone: str) -> dict[str, Any]:
    """Group ``number`` with ``phone`` rung too, last; the use case normalises and checks
    the number (not a phone number, already in the group: a 400)."""
    slots, groups = _split(dispatching)
    index = _check(number, len(groups))
    group = groups[index]
    if len(group["targets"]) >= MAX_TARGETS_PER_GROUP:
        raise invalid(GROUP, f"a ring group holds at most {MAX_TARGETS_PER_GROUP} targets")
    target = {"type": "PhoneNumberRingTarget", "destination": {"phoneNumber": phone.strip()}}
    changed = [*groups]
    changed[index] = {**group, "targets": [*group["targets"], target]}
    return _with_groups(dispatching, slots, changed)


def without_target(
    dispatching: dict[str, Any], key: str, *, number: int | None = None
) -> dict[str, Any] | None:
    """``dispatching`` without the target ``key`` (see ``target_key``) in group ``number``,
    or in every group when None; None when no group held it. A ring group left empty
    goes; with no action left the call goes to voicemail, as a new rule's does."""
    _slots, groups = _split(dispatching)
    chosen = None if number is None else _check(number, len(groups))
    actions = []
    changed = False
    index = -1
    for action in dispatching["actions"]:
        if action["type"] == "RingGroupAction":
            index += 1
            kept = [t for t in action["targets"] if target_key(t) != key]
            if (chosen is None or index == chosen) and len(kept) != len(action["targets"]):
                changed = True
                if not kept:
                    continue
                action = {**action, "targets": kept}
        actions.append(action)
    if not changed:
        return None
    if not actions:
        return {**dispatching, "type": "Terminate", "actions": [voicemail_action()]}
    return {**dispatching, "actions": actions}
