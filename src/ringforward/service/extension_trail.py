"""An extension's whole audit trail (rules, forwarding numbers, business hours), newest
first, and reverting any change in it: what the portal's history page shows and does."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ringforward.domain.model import Extension
from ringforward.service import history, resource_history
from ringforward.service.access import Principal, Target, resolve_target
from ringforward.store.database import Database
from ringforward.store.repository import Repository

RESOURCE_TYPES = (
    history.RULE_RESOURCE,
    resource_history.NUMBER_RESOURCE,
    resource_history.HOURS_RESOURCE,
)


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


async def extension_trail(
    db: Database, principal: Principal, account_ref: str, extension_ref: str, *, limit: int = 100
) -> Trail:
    """The latest ``limit`` changes of the extension; the same access rules as the API's
    history of each resource."""
    async with db.reading() as uow:
        repo = Repository(uow)
        target = await resolve_target(repo, principal, account_ref, extension_ref)
        rows = await repo.list_extension_audit(target.extension.id, limit)
        actors = {e.id: e for e in await repo.list_extensions(target.account.id)}
        phones = {
            number.id: number.phone_number or number.label
            for number in await repo.list_forwarding_numbers(target.extension.id)
        }
        # Forwarding numbers and business hours are versioned by position in their trail.
        positions: dict[int, int] = {}
        for kind, resource_id in {
            (row["resource_type"], row["resource_id"])
            for row in rows
            if row["resource_type"] != history.RULE_RESOURCE
        }:
            trail = await repo.list_audit(target.extension.id, kind, resource_id)
            for position, row in enumerate(sorted(trail, key=lambda r: int(r["id"])), start=1):
                positions[int(row["id"])] = position
        entries: list[TrailEntry] = []
        for row in rows:
            if row["resource_type"] not in RESOURCE_TYPES:
                continue
            before, after = _parsed(row["before"]), _parsed(row["after"])
            if row["resource_type"] == resource_history.NUMBER_RESOURCE:
                document = before or after or {}
                phones.setdefault(row["resource_id"], document.get("phone_number") or "")
            entries.append(
                TrailEntry(
                    resource_type=row["resource_type"],
                    resource_id=row["resource_id"],
                    version=positions.get(int(row["id"]), int(row["version"])),
                    at=float(row["at"]),
                    actor_id=row["actor"],
                    actor=actors.get(row["actor"]),
                    before=before,
                    after=after,
                )
            )
        return Trail(target, tuple(entries), phones)


async def revert_entry(
    db: Database,
    principal: Principal,
    account_ref: str,
    extension_ref: str,
    *,
    resource_type: str,
    resource_id: str,
    version: int,
) -> None:
    """Revert one change of any resource, through that resource's own use case."""
    if resource_type == history.RULE_RESOURCE:
        await history.revert_change(db, principal, account_ref, extension_ref, resource_id, version)
    elif resource_type == resource_history.NUMBER_RESOURCE:
        await resource_history.revert_number_change(
            db, principal, account_ref, extension_ref, resource_id, version
        )
    else:
        await resource_history.revert_hours_change(
            db, principal, account_ref, extension_ref, version
        )
