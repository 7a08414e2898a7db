"""The audit trail: every change recorded, in the same transaction, with before and after."""

from __future__ import annotations

import time

from ringforward.service.access import Principal, Target
from ringforward.store.repository import Repository


async def record_change(
    repo: Repository,
    principal: Principal,
    target: Target,
    *,
    resource_type: str,
    resource_id: str,
    version: int,
    before: str | None,
    after: str | None,
) -> None:
    """Write one audit record; ``before``/``after`` are the stored JSON documents."""
    await repo.insert_audit(
        account_id=target.account.id,
        extension_id=target.extension.id,
        resource_type=resource_type,
        resource_id=resource_id,
        version=version,
        at=time.time(),
        actor=principal.extension_id,
        before=before,
        after=after,
    )


async def next_version(
    repo: Repository, target: Target, resource_type: str, resource_id: str
) -> int:
    """The version the next change of a resource without its own version makes: its
    position in the resource's trail (forwarding numbers and business hours)."""
    return len(await repo.list_audit(target.extension.id, resource_type, resource_id)) + 1
