"""The history page's entries: what changed, in words, as before/after rows of settings."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ringforward.domain.model import WEEKDAYS
from ringforward.portal.views import ACTION_NAMES
from ringforward.service.extension_trail import TrailEntry

NONE = "—"


@dataclass(frozen=True)
class DiffRow:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryItem:
    key: str
    resource_type: str
    resource_id: str
    version: int
    what: str
    kind: str
    iso: str
    when: str
    who: str
    rows: tuple[DiffRow, ...]
    revertable: bool


def _compact(value: Any) -> str:
    if value in (None, [], {}, ""):
        return NONE
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str | int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def _number_fields(document: Mapping[str, Any]) -> dict[str, str]:
    return {
        "Phone number": _compact(document.get("phone_number") or document.get("device_id")),
        "Label": _compact(document.get("label")),
        "Type": _compact(document.get("type")),
        "Flip digit": _compact(document.get("flip_number")),
    }


def _hours_fields(document: Mapping[str, Any]) -> dict[str, str]:
    always = not any(document.get(day) for day in WEEKDAYS)
    return {
        day.capitalize(): ", ".join(f"{r['from']} to {r['to']}" for r in document.get(day, []))
        or ("open all day" if always else "closed")
        for day in WEEKDAYS
    }


def _rule_fields(document: Mapping[str, Any], phones: Mapping[str, str]) -> dict[str, str]:
    forwarding = document.get("forwarding") or {}
    groups = forwarding.get("groups") or []
    listed = "; ".join(
        f"{position}. {', '.join(phones.get(i) or i for i in ids)} ({count} rings)"
        for position, (count, ids) in enumerate(groups, start=1)
    )
    action = document.get("callHandlingAction")
    fields = {
        "Name": _compact(document.get("name")),
        "On": _compact(document.get("enabled")),
        "Action": ACTION_NAMES.get(action, action) if isinstance(action, str) else NONE,
        "Forwarding list": listed or NONE,
        "Ringing order": _compact(forwarding.get("ringingMode")),
        "Callers": _compact([c.get("callerId") for c in document.get("callers") or []]),
        "Called numbers": _compact(document.get("calledNumbers")),
        "Schedule": _compact(document.get("schedule")),
        "Transfer to": _compact(document.get("transfer")),
        "Forward all calls to": _compact(document.get("unconditionalForwarding")),
        "Voicemail": _compact(document.get("voicemail")),
        "Missed calls": _compact(document.get("missedCall")),
        "Screening": _compact(document.get("screening")),
        "Greetings": _compact(document.get("greetings")),
    }
    soft = {k: v for k, v in forwarding.items() if k not in ("groups", "ringingMode")}
    fields["Desktop and mobile apps"] = _compact(soft)
    return fields


def _fields(
    entry: TrailEntry, document: Mapping[str, Any] | None, phones: Mapping[str, str]
) -> dict[str, str]:
    if document is None:
        return {}
    if entry.resource_type == "forwarding-number":
        return _number_fields(document)
    if entry.resource_type == "business-hours":
        return _hours_fields(document)
    return _rule_fields(document, phones)


def _what(entry: TrailEntry, phones: Mapping[str, str]) -> str:
    if entry.resource_type == "forwarding-number":
        return f"Forwarding number {phones.get(entry.resource_id) or entry.resource_id}"
    if entry.resource_type == "business-hours":
        return "Business hours"
    document = entry.after or entry.before or {}
    return f"Rule {document.get('name') or entry.resource_id}"


def history_item(entry: TrailEntry, phones: Mapping[str, str]) -> HistoryItem:
    """One entry as the page shows it: only the settings the change touched."""
    before = _fields(entry, entry.before, phones)
    after = _fields(entry, entry.after, phones)
    rows = tuple(
        DiffRow(name, before.get(name, NONE), after.get(name, NONE))
        for name in dict.fromkeys([*before, *after])
        if before.get(name) != after.get(name)
    )
    kind = "created" if entry.before is None else "deleted" if entry.after is None else "changed"
    moment = datetime.fromtimestamp(entry.at, UTC)
    who = (
        f"{entry.actor.name} (Ext. {entry.actor.extension_number})"
        if entry.actor
        else f"extension {entry.actor_id}"
    )
    return HistoryItem(
        key=f"{entry.resource_type}-{entry.resource_id}-{entry.version}",
        resource_type=entry.resource_type,
        resource_id=entry.resource_id,
        version=entry.version,
        what=_what(entry, phones),
        kind=kind,
        iso=moment.isoformat(timespec="seconds").replace("+00:00", "Z"),
        when=moment.strftime("%Y-%m-%d %H:%M:%S UTC"),
        who=who,
        rows=rows,
        # Undoing a creation is a deletion, made where the thing itself is managed.
        revertable=entry.before is not None,
    )
