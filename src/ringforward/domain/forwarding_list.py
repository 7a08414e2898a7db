"""The forwarding list of a rule: resolving a PUT's ``forwarding.rules`` and its invariants."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ringforward.domain.errors import ErrorCollector, invalid
from ringforward.domain.model import (
    DEFAULT_RING_COUNT,
    MAX_NUMBERS_PER_GROUP,
    MAX_RING_COUNT,
    MIN_RING_COUNT,
    ForwardingGroup,
    ForwardingNumber,
)
from ringforward.domain.phone import try_normalize


def ring_count_problem(ring_count: int) -> str | None:
    """Why ``ring_count`` is refused, or None when it is allowed."""
    if isinstance(ring_count, bool) or not isinstance(ring_count, int):
        return "must be an integer"
    if not MIN_RING_COUNT <= ring_count <= MAX_RING_COUNT:
        return f"must be between {MIN_RING_COUNT} and {MAX_RING_COUNT} rings"
    return None


def group_size_problem(size: int) -> str | None:
    """Why a group of ``size`` numbers is refused, or None when it is allowed."""
    if size == 0:
        return "a forwarding rule needs at least one forwarding number"
    if size > MAX_NUMBERS_PER_GROUP:
        return f"a ring group holds at most {MAX_NUMBERS_PER_GROUP} numbers"
    return None


def renumber(groups: Iterable[ForwardingGroup]) -> tuple[ForwardingGroup, ...]:
    """Drop empty groups and give the rest indexes 1..n in their current order."""
    kept = [group for group in groups if group.number_ids]
    return tuple(
        ForwardingGroup(index=position, ring_count=group.ring_count, number_ids=group.number_ids)
        for position, group in enumerate(kept, start=1)
    )


def without_numbers(
    groups: Sequence[ForwardingGroup], number_ids: Iterable[str]
) -> tuple[ForwardingGroup, ...]:
    """The list with ``number_ids`` taken out; groups left empty vanish, indexes close up."""
    removed = set(number_ids)
    return renumber(
        ForwardingGroup(
            index=group.index,
            ring_count=group.ring_count,
            number_ids=tuple(n for n in group.number_ids if n not in removed),
        )
        for group in groups
    )


def check_groups(groups: Sequence[ForwardingGroup], known_ids: Iterable[str]) -> None:
    """Raise a ValidationError naming ``forwarding.rules[i]…`` when ``groups`` break a rule."""
    known = set(known_ids)
    problems = ErrorCollector()
    seen: set[str] = set()
    indexes: set[int] = set()
    for position, group in enumerate(groups):
        path = f"forwarding.rules[{position}]"
        if group.index in indexes:
            problems.add(f"Two forwarding rules have index {group.index}", f"{path}.index")
        indexes.add(group.index)
        ring_problem = ring_count_problem(group.ring_count)
        if ring_problem:
            problems.add(f"ringCount {ring_problem}", f"{path}.ringCount")
        size_problem = group_size_problem(len(group.number_ids))
        if size_problem:
            problems.add(size_problem, f"{path}.forwardingNumbers")
        for number_position, number_id in enumerate(group.number_ids):
            number_path = f"{path}.forwardingNumbers[{number_position}].id"
            if number_id not in known:
                problems.add(f"Forwarding number {number_id!r} does not exist", number_path)
            elif number_id in seen:
                problems.add(
                    f"Forwarding number {number_id!r} is in more than one place", number_path
                )
            seen.add(number_id)
    problems.raise_if_any()


def resolve_forwarding_rules(
    raw_rules: Sequence[Mapping[str, Any]],
    numbers: Sequence[ForwardingNumber],
    *,
    region: str,
) -> tuple[ForwardingGroup, ...]:
    """Turn a request's ``forwarding.rules`` into the active groups, or raise naming the path.

    Entries marked ``enabled: false`` are the inactive numbers a client read with
    ``showInactiveNumbers`` and sent back: they stay inactive. Entries are ordered by
    ``index`` (array position where absent) and renumbered 1..n.
    """
    by_id = {number.id: number for number in numbers}
    by_phone = {number.phone_number: number for number in numbers if number.phone_number}
    problems = ErrorCollector()
    ordered: list[tuple[int, int, ForwardingGroup]] = []
    seen_indexes: set[int] = set()
    seen_numbers: set[str] = set()
    for position, entry in enumerate(raw_rules):
        path = f"forwarding.rules[{position}]"
        if entry.get("enabled") is False:
            continue
        index = entry.get("index")
        if index is not None:
            if index in seen_indexes:
                problems.add(f"Two forwarding rules have index {index}", f"{path}.index")
            seen_indexes.add(index)
        ring_count = entry.get("ringCount", DEFAULT_RING_COUNT)
        ring_problem = ring_count_problem(ring_count)
        if ring_problem:
            problems.add(f"ringCount {ring_problem}", f"{path}.ringCount")
        raw_numbers = entry.get("forwardingNumbers") or []
        size_problem = group_size_problem(len(raw_numbers))
        if size_problem:
            problems.add(size_problem, f"{path}.forwardingNumbers")
        number_ids: list[str] = []
        for number_position, raw_number in enumerate(raw_numbers):
            number_path = f"{path}.forwardingNumbers[{number_position}]"
            found = _find_number(raw_number, by_id, by_phone, region)
            if isinstance(found, str):
                problems.add(found, f"{number_path}.{_key_used(raw_number)}")
                continue
            if found.id in seen_numbers:
                problems.add(
                    f"Forwarding number {found.id!r} appears more than once in the list",
                    f"{number_path}.{_key_used(raw_number)}",
                )
                continue
            seen_numbers.add(found.id)
            number_ids.append(found.id)
        sort_key = index if isinstance(index, int) else position + 1
        ordered.append(
            (sort_key, position, ForwardingGroup(sort_key, ring_count, tuple(number_ids)))
        )
    problems.raise_if_any()
    ordered.sort(key=lambda item: (item[0], item[1]))
    return renumber(group for _, _, group in ordered)


def _key_used(raw_number: Mapping[str, Any]) -> str:
    return "id" if raw_number.get("id") is not None else "phoneNumber"


def _find_number(
    raw_number: Mapping[str, Any],
    by_id: Mapping[str, ForwardingNumber],
    by_phone: Mapping[str, ForwardingNumber],
    region: str,
) -> ForwardingNumber | str:
    """The forwarding number an entry names, or why it names none."""
    number_id = raw_number.get("id")
    if number_id is not None:
        found = by_id.get(str(number_id))
        return found or f"Forwarding number {number_id!r} does not exist on this extension"
    phone = raw_number.get("phoneNumber")
    if phone is None:
        return "A forwarding number needs an id or a phoneNumber"
    normalized = try_normalize(str(phone), region=region)
    found = by_phone.get(normalized) if normalized else None
    return found or f"Phone number {phone!r} is not a forwarding number of this extension"


__all__ = [
    "check_groups",
    "group_size_problem",
    "invalid",
    "renumber",
    "resolve_forwarding_rules",
    "ring_count_problem",
    "without_numbers",
]
