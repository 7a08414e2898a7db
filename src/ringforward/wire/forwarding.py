"""``forwarding.rules``: an answering rule's forwarding list as RingCentral writes it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ringforward.domain.model import ForwardingGroup

NumberEntry = Callable[[str], dict[str, Any] | None]


def number_by_id(number_id: str) -> dict[str, Any]:
    """How a PUT body names a number: by its id alone."""
    return {"id": number_id}


def forwarding_rules_json(
    groups: Iterable[ForwardingGroup], number_entry: NumberEntry = number_by_id
) -> list[dict[str, Any]]:
    """One entry a group; ``number_entry`` renders a number (None leaves it out)."""
    entries: list[dict[str, Any]] = []
    for group in groups:
        rendered = (number_entry(number_id) for number_id in group.number_ids)
        entries.append(
            {
                "index": group.index,
                "ringCount": group.ring_count,
                "forwardingNumbers": [entry for entry in rendered if entry is not None],
            }
        )
    return entries
