"""The audit trail of v2 state rules and interaction rules: list changes, revert one."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ringforward.domain.comm_handling.dispatching import normalize_dispatching
from ringforward.domain.comm_handling.interaction import interaction_rule
from ringforward.domain.comm_handling.model import (
    STATE,
    STATE_RULE,
    WORK_HOURS,
    id_parameter,
)
from ringforward.domain.comm_handling.states import state_document, weekly_of
from ringforward.domain.errors import ValidationError, not_found
from ringforward.service.comm_common import (
    check_if_match,
    check_references,
    enhanced_scope,
    save,
)
from ringforward.service.comm_interaction import expanded_rule
from ringforward.service.comm_states import sync_after_hours
from ringforward.service.scope import ExtensionCall
from ringforward.store.comm_handling import StoredItem


@dataclass(frozen=True)
class Change:
    version: int
    at: float
    actor_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def _document(raw: str | None) -> dict[str, Any] | None:
    return json.loads(raw) if raw else None


async def changes(ext: ExtensionCall, kind: str, item_id: str) -> list[Change]:
    """Newest first; a 404 for a resource that never existed."""
    async with enhanced_scope(ext) as scope:
        records = await scope.repos.audit.list_audit(scope.extension.id, f"comm-{kind}", item_id)
        if not records and await scope.repos.comm.item(scope.extension.id, kind, item_id) is None:
            raise not_found(id_parameter(kind))
        return [
            Change(
                record.version,
                record.at,
                record.actor,
                _document(record.before),
                _document(record.after),
            )
            for record in records
        ]


async def revert(
    ext: ExtensionCall, kind: str, item_id: str, version: int, *, if_match: str | None = None
) -> tuple[StoredItem, StoredItem | None]:
    """Restore the resource as it was before change ``version``, as a change of its own.

    Answers the item as a read answers it: an interaction rule with its State conditions
    expanded; a state rule with its state (the resource embeds it). Restoring work-hours'
    schedule creates or deletes after-hours as a PATCH would."""
    async with enhanced_scope(ext, writing=True) as scope:
        current = await scope.comm_item(kind, item_id)
        check_if_match(current, if_match)
        records = await scope.repos.audit.list_audit(scope.extension.id, f"comm-{kind}", item_id)
        record = next((r for r in records if r.version == version), None)
        if record is None:
            raise not_found("version")
        earlier = _document(record.before)
        if earlier is None:
            raise ValidationError(
                f"Version {version} created the rule; delete the rule to undo it",
                parameter_name="version",
            )
        if kind == STATE:
            # A stored state was valid; rebuilt, it takes today's form.
            restored = state_document(
                item_id, enabled=earlier["enabled"], weekly=weekly_of(earlier)
            )
            saved = await save(scope, current, restored)
            if item_id == WORK_HOURS:
                await sync_after_hours(scope, scheduled=bool(weekly_of(restored)))
            return saved, None
        # The old version is checked again: a coworker it names may be gone by now.
        if kind == STATE_RULE:
            normalized = normalize_dispatching(earlier, region=scope.account.country)
            document, refs = normalized.document, normalized.references
        else:
            document, refs = interaction_rule(item_id, earlier, region=scope.account.country)
        await check_references(scope, refs)
        saved = await save(scope, current, document)
        if kind != STATE_RULE:
            return await expanded_rule(scope, saved), None
        return saved, await scope.repos.comm.item(scope.extension.id, STATE, item_id)
