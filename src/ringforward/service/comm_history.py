"""The audit trail of v2 state rules and interaction rules: list changes, revert one."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ringforward.domain.comm_handling.dispatching import normalize_dispatching
from ringforward.domain.comm_handling.interaction import interaction_rule
from ringforward.domain.comm_handling.model import STATE_RULE
from ringforward.domain.errors import ValidationError, not_found
from ringforward.service.access import Principal
from ringforward.service.comm_common import check_if_match, check_references, enhanced_target, save
from ringforward.store.comm_repository import StoredItem
from ringforward.store.database import Database


@dataclass(frozen=True)
class Change:
    version: int
    at: float
    actor_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def _document(raw: str | None) -> dict[str, Any] | None:
    return json.loads(raw) if raw else None


async def changes(
    db: Database,
    principal: Principal,
    account_ref: str,
    extension_ref: str,
    kind: str,
    item_id: str,
) -> list[Change]:
    """Newest first; a 404 for a resource that never existed."""
    async with db.reading() as uow:
        context = await enhanced_target(uow, principal, account_ref, extension_ref)
        rows = await context.repo.list_audit(context.extension_id, f"comm-{kind}", item_id)
        if not rows and await context.comm.item(context.extension_id, kind, item_id) is None:
            raise not_found("ruleId" if kind != STATE_RULE else "stateId")
        return [
            Change(
                int(row["version"]),
                float(row["at"]),
                str(row["actor"]),
                _document(row["before"]),
                _document(row["after"]),
            )
            for row in rows
        ]


async def revert(
    db: Database,
    principal: Principal,
    account_ref: str,
    extension_ref: str,
    kind: str,
    item_id: str,
    version: int,
    *,
    if_match: str | None = None,
) -> StoredItem:
    """Restore the resource as it was before change ``version``, as a change of its own."""
    async with db.writing() as uow:
        context = await enhanced_target(uow, principal, account_ref, extension_ref)
        await context.repo.lock_extension(context.extension_id)
        current = await context.comm.item(context.extension_id, kind, item_id)
        if current is None:
            raise not_found("ruleId" if kind != STATE_RULE else "stateId")
        check_if_match(current, if_match)
        rows = await context.repo.list_audit(context.extension_id, f"comm-{kind}", item_id)
        row = next((r for r in rows if int(r["version"]) == version), None)
        if row is None:
            raise not_found("version")
        earlier = _document(row["before"])
        if earlier is None:
            raise ValidationError(
                f"Version {version} created the rule; delete the rule to undo it",
                parameter_name="version",
            )
        # The old version is checked again: a coworker it names may be gone by now.
        if kind == STATE_RULE:
            normalized = normalize_dispatching(earlier, region=context.region)
            document, refs = normalized.document, normalized.references
        else:
            document, refs = interaction_rule(item_id, earlier, region=context.region)
        await check_references(context, refs)
        return await save(context, principal, current, document)
