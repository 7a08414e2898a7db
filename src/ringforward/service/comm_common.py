"""What every enhanced call-handling use case shares: access, generation, references, saves."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from ringforward.domain.comm_handling.dispatching import References
from ringforward.domain.comm_handling.errors import wrong_generation
from ringforward.domain.comm_handling.model import ENHANCED
from ringforward.domain.errors import PreconditionFailedError, not_found
from ringforward.service.access import Principal, Target, resolve_target
from ringforward.service.audit import record_change
from ringforward.store.comm_repository import CommRepository, StoredItem
from ringforward.store.database import UnitOfWork
from ringforward.store.repository import Repository


@dataclass(frozen=True)
class Context:
    repo: Repository
    comm: CommRepository
    target: Target

    @property
    def extension_id(self) -> str:
        return self.target.extension.id

    @property
    def region(self) -> str:
        return self.target.account.country


async def enhanced_target(
    uow: UnitOfWork, principal: Principal, account_ref: str, extension_ref: str
) -> Context:
    """The extension in the path, if the caller may reach it and its account is enhanced."""
    repo = Repository(uow)
    target = await resolve_target(repo, principal, account_ref, extension_ref)
    comm = CommRepository(uow)
    generation = await comm.generation(target.account.id)
    if generation != ENHANCED:
        raise wrong_generation(generation)
    return Context(repo, comm, target)


async def check_references(context: Context, refs: References) -> None:
    """Coworkers must be in the caller's account and devices the extension's own (404)."""
    for path, extension_id in refs.extensions.items():
        extension = await context.repo.get_extension(extension_id)
        if extension is None or extension.account_id != context.target.account.id:
            raise not_found(path)
    if refs.devices:
        numbers = await context.repo.list_forwarding_numbers(context.extension_id)
        own = {number.device_id for number in numbers if number.device_id}
        for path, device_id in refs.devices.items():
            if device_id not in own:
                raise not_found(path)


def etag_of(item: StoredItem) -> str:
    return f'"{item.kind}-{item.item_id}-v{item.version}"'


def check_if_match(item: StoredItem, if_match: str | None) -> None:
    if if_match is None:
        return
    tags = {tag.strip().removeprefix("W/") for tag in if_match.split(",")}
    if "*" not in tags and etag_of(item) not in tags:
        raise PreconditionFailedError(
            "The resource was changed since it was read; read it again and retry",
            parameter_name="If-Match",
        )


async def save(
    context: Context,
    principal: Principal,
    before: StoredItem,
    document: dict[str, Any],
) -> StoredItem:
    """Write ``document`` as the next version of ``before`` and audit it (same transaction)."""
    saved = replace(before, version=before.version + 1, document=document)
    if not await context.comm.update(context.extension_id, saved, previous_version=before.version):
        raise PreconditionFailedError(
            "The resource was changed by another request; retry", parameter_name="body"
        )
    await audit(context, principal, before, saved)
    return saved


async def audit(
    context: Context, principal: Principal, before: StoredItem | None, after: StoredItem | None
) -> None:
    item = after or before
    assert item is not None
    await record_change(
        context.repo,
        principal,
        context.target,
        resource_type=f"comm-{item.kind}",
        resource_id=item.item_id,
        version=item.version + (1 if after is None else 0),
        before=json.dumps(before.document, sort_keys=True) if before else None,
        after=json.dumps(after.document, sort_keys=True) if after else None,
    )
