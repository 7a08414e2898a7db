"""An extension's whole audit trail (rules, forwarding numbers, business hours), newest
first, and reverting any change in it: what the portal's history page shows and does."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ringforward.domain.model import Extension
from ringforward.service import history, resource_history
from ringforward.service.access import Target
from ringforward.service.business_hours import HOURS_RESOURCE
from ringforward.service.forwarding_numbers import NUMBER_RESOURCE
from ringforward.service.rules_store import RULE_RESOURCE
from ringforward.service.scope import ExtensionCall, reading

RESOURCE_TYPES = (RULE_RESOURCE, NUMBER_RESOURCE, HOURS_RESOURCE)


@dataclass(frozen=True)
class TrailEntry:
    """One change of one resource: the stored documents before and after, parsed."""

    resource_type: str
    resource_id: str
    version: int
    at: float
    actor_id: str
    actor: Extension | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class Trail:
    target: Target
    entries: tuple[TrailEntry, ...]
    # Phone number of every forwarding number id the entries may name, deleted ones too.
    phone_numbers: dict[str, str]


def _parsed(document: str | None) -> dict[str, Any] | None:
    return json.loads(document) if document else None


async def extension_trail(ext: ExtensionCall, *, limit: int = 100) -> Trail:
    """The latest ``limit`` changes of the extension; the same access rules as the API's
    history of each resource."""
    async with reading(ext) as scope:
        audit = scope.repos.audit
        records = [
            record
            for record in await audit.extension_trail(scope.extension.id, limit)
            if record.resource_type in RESOURCE_TYPES
        ]
        actors = {e.id: e for e in await scope.repos.extensions.list_extensions(scope.account.id)}
        phones = {
            number.id: number.phone_number or number.label
            for number in await scope.forwarding_numbers()
        }
        # Forwarding numbers and business hours are versioned by position in their trail.
        positions: dict[int, int] = {}
        for kind, resource_id in {
            (record.resource_type, record.resource_id)
            for record in records
            if record.resource_type != RULE_RESOURCE
        }:
            trail = await audit.resource_trail(scope.extension.id, kind, resource_id)
            for position, earlier in enumerate(trail, start=1):
                positions[earlier.id] = position
        entries: list[TrailEntry] = []
        for record in records:
            before, after = _parsed(record.before), _parsed(record.after)
            if record.resource_type == NUMBER_RESOURCE:
                document = before or after or {}
                phones.setdefault(record.resource_id, document.get("phone_number") or "")
            entries.append(
                TrailEntry(
                    resource_type=record.resource_type,
                    resource_id=record.resource_id,
                    version=positions.get(record.id, record.version),
                    at=record.at,
                    actor_id=record.actor,
                    actor=actors.get(record.actor),
                    before=before,
                    after=after,
                )
            )
        return Trail(scope.target, tuple(entries), phones)


async def revert_entry(
    ext: ExtensionCall, *, resource_type: str, resource_id: str, version: int
) -> None:
    """Revert one change of any resource, through that resource's own use case."""
    if resource_type == RULE_RESOURCE:
        await history.revert_change(ext, resource_id, version)
    elif resource_type == NUMBER_RESOURCE:
        await resource_history.revert_number_change(ext, resource_id, version)
    else:
        await resource_history.revert_hours_change(ext, version)
