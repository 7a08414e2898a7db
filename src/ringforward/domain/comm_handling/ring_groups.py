"""Ring-group edits on v2 dispatching: merge groups into one, move a group.

Groups are numbered 1..n among the RingGroupActions; the other actions (apps,
greetings, voicemail) keep their places, the groups fill the slots groups held.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ringforward.domain.comm_handling.dispatching import target_key
from ringforward.domain.comm_handling.model import MAX_TARGETS_PER_GROUP
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
