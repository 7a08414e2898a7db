"""A rule's ``forwarding`` JSON as domain values and back, and the ring-group document."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ringforward.domain.forwarding_list import renumber
from ringforward.domain.model import (
    DEFAULT_RING_COUNT,
    ForwardingGroup,
    ForwardingSettings,
)
from ringforward.domain.phone import DEFAULT_REGION, try_normalize
from ringforward.wire.forwarding import forwarding_rules_json

# ``forwarding.rules`` for a PUT: every active entry, numbers named by id.
rules_json = forwarding_rules_json


@dataclass(frozen=True)
class NumberInfo:
    """One forwarding number of the extension, as the list document shows it.

    ``pending`` marks a number a dry run would register but has not: its ``id`` is a
    stand-in for the domain operations and is shown as null.
    """

    id: str
    phone_number: str | None
    label: str
    pending: bool = False

    def as_json(self) -> dict[str, Any]:
        shown_id = None if self.pending else self.id
        return {"id": shown_id, "phoneNumber": self.phone_number, "label": self.label}

    def describe(self) -> str:
        phone = self.phone_number or f"id {self.id}"
        return f"{phone} ({self.label})" if self.label else phone


def numbers_from_records(records: Iterable[Mapping[str, Any]]) -> tuple[NumberInfo, ...]:
    """The forwarding-number list's records as :class:`NumberInfo`."""
    return tuple(number_from_json(record) for record in records if record.get("id") is not None)


def number_from_json(record: Mapping[str, Any]) -> NumberInfo:
    phone = record.get("phoneNumber")
    label = record.get("label")
    return NumberInfo(
        id=str(record["id"]),
        phone_number=phone if isinstance(phone, str) and phone else None,
        label=label if isinstance(label, str) else "",
    )


def find_number(
    numbers: Iterable[NumberInfo], phone: str, *, region: str = DEFAULT_REGION
) -> NumberInfo | None:
    """The extension's number equal to ``phone`` after E.164 normalisation, if any."""
    wanted = try_normalize(phone, region=region)
    if wanted is None:
        return None
    for number in numbers:
        if number.phone_number and try_normalize(number.phone_number, region=region) == wanted:
            return number
    return None


def settings_from_rule(
    rule: Mapping[str, Any], numbers: Sequence[NumberInfo] = ()
) -> ForwardingSettings:
    """The rule's forwarding settings; inactive entries (``enabled: false``) are left out.

    An entry naming a number by ``phoneNumber`` only is resolved through ``numbers``, so
    that writing the list back never drops a number we could not identify by id.
    """
    forwarding = rule.get("forwarding")
    if not isinstance(forwarding, Mapping):
        return ForwardingSettings()
    defaults = ForwardingSettings()
    entries = [
        entry
        for entry in forwarding.get("rules") or []
        if isinstance(entry, Mapping) and entry.get("enabled", True) is not False
    ]
    # Index order as the platform rings them; array order where an index is missing.
    ordered = sorted(
        enumerate(entries),
        key=lambda pair: (
            pair[1]["index"] if isinstance(pair[1].get("index"), int) else pair[0] + 1,
            pair[0],
        ),
    )
    groups = [
        ForwardingGroup(
            index=position,
            ring_count=_int(entry.get("ringCount"), DEFAULT_RING_COUNT),
            number_ids=tuple(_entry_ids(entry, numbers)),
        )
        for position, (_spot, entry) in enumerate(ordered, start=1)
    ]
    return ForwardingSettings(
        notify_my_soft_phones=_bool(
            forwarding.get("notifyMySoftPhones"), defaults.notify_my_soft_phones
        ),
        soft_phones_ring_count=_int(
            forwarding.get("softPhonesRingCount"), defaults.soft_phones_ring_count
        ),
        soft_phones_always_ring=_bool(
            forwarding.get("softPhonesAlwaysRing"), defaults.soft_phones_always_ring
        ),
        soft_phones_position_top=_bool(
            forwarding.get("softPhonesPositionTop"), defaults.soft_phones_position_top
        ),
        ringing_mode=str(forwarding.get("ringingMode") or defaults.ringing_mode),
        groups=renumber(groups),
    )


def _entry_ids(entry: Mapping[str, Any], numbers: Sequence[NumberInfo]) -> list[str]:
    ids: list[str] = []
    for item in entry.get("forwardingNumbers") or []:
        if not isinstance(item, Mapping):
            continue
        if item.get("id") is not None:
            ids.append(str(item["id"]))
        elif isinstance(item.get("phoneNumber"), str):
            found = find_number(numbers, item["phoneNumber"])
            if found is not None:
                ids.append(found.id)
    return ids


def _int(value: object, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _bool(value: object, default: bool) -> bool:
    return value if isinstance(value, bool) else default


def update_body(before: ForwardingSettings, after: ForwardingSettings) -> dict[str, Any] | None:
    """The smallest PUT body taking ``before`` to ``after``; None when nothing changed.

    The platform's PUT merges, so fields we did not change are left out and cannot
    overwrite someone else's concurrent change to them.
    """
    forwarding: dict[str, Any] = {}
    if after.groups != before.groups:
        forwarding["rules"] = rules_json(after.groups)
    if after.ringing_mode != before.ringing_mode:
        forwarding["ringingMode"] = after.ringing_mode
    return {"forwarding": forwarding} if forwarding else None


def _lookup(numbers: Sequence[NumberInfo], number_id: str) -> NumberInfo:
    for number in numbers:
        if number.id == number_id:
            return number
    return NumberInfo(id=number_id, phone_number=None, label="")


def group_document(
    rule_id: str, settings: ForwardingSettings, numbers: Sequence[NumberInfo]
) -> dict[str, Any]:
    """The documented ``groups list --json`` document (a dry run's pending number: id null)."""
    active = settings.active_number_ids()
    return {
        "rule": rule_id,
        "ringingMode": settings.ringing_mode,
        "groups": [
            {
                "index": group.index,
                "ringCount": group.ring_count,
                "forwardingNumbers": [
                    _lookup(numbers, number_id).as_json() for number_id in group.number_ids
                ],
            }
            for group in settings.groups
        ],
        "inactive": [number.as_json() for number in numbers if number.id not in active],
    }


def describe_lines(settings: ForwardingSettings, numbers: Sequence[NumberInfo]) -> list[str]:
    """The forwarding list as text lines, one per group, for before/after diffs."""
    lines = [f"ringing mode: {settings.ringing_mode}"]
    for group in settings.groups:
        members = ", ".join(_lookup(numbers, n).describe() for n in group.number_ids)
        lines.append(f"group {group.index} ({group.ring_count} rings): {members}")
    active = settings.active_number_ids()
    lines.extend(f"inactive: {number.describe()}" for number in numbers if number.id not in active)
    return lines
