"""What every enhanced call-handling use case shares: the scope, references, saves."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

from ringforward.domain.comm_handling.dispatching import References
from ringforward.domain.comm_handling.errors import wrong_generation
from ringforward.domain.comm_handling.model import ENHANCED
from ringforward.domain.errors import not_found
from ringforward.service import preconditions
from ringforward.service.scope import ExtensionCall, Scope, editing, reading
from ringforward.store.comm_handling import StoredItem


@asynccontextmanager
async def enhanced_scope(ext: ExtensionCall, *, writing: bool = False) -> AsyncIterator[Scope]:
    """``editing`` (or ``reading``), for an extension whose account uses enhanced handling."""
    frame = editing if writing else reading
    async with frame(ext) as scope:
        generation = await scope.repos.comm.generation(scope.account.id)
        if generation != ENHANCED:
            raise wrong_generation(generation)
        yield scope


async def check_references(scope: Scope, refs: References) -> None:
    """Coworkers must be in the caller's account and devices the extension's own (404)."""
    for path, extension_id in refs.extensions.items():
        extension = await scope.repos.extensions.get_extension(extension_id)
        if extension is None or extension.account_id != scope.account.id:
            raise not_found(path)
    if refs.devices:
        own = {number.device_id for number in await scope.forwarding_numbers() if number.device_id}
        for path, device_id in refs.devices.items():
            if device_id not in own:
                raise not_found(path)


def etag_of(item: StoredItem) -> str:
    return f'"{item.kind}-{item.item_id}-v{item.version}"'


def check_if_match(item: StoredItem, if_match: str | None) -> None:
    preconditions.check_if_match(etag_of(item), if_match, subject="The resource")


async def save(scope: Scope, before: StoredItem, document: dict[str, Any]) -> StoredItem:
    """Write ``document`` as the next version of ``before`` and audit it (same transaction)."""
    saved = replace(before, version=before.version + 1, document=document)
    if not await scope.repos.comm.update(
        scope.extension.id, saved, previous_version=before.version
    ):
        raise preconditions.changed_meanwhile("The resource", "body")
    await audit(scope, before, saved)
    return saved


async def audit(scope: Scope, before: StoredItem | None, after: StoredItem | None) -> None:
    item = after or before
    assert item is not None
    await scope.record_change(
        f"comm-{item.kind}",
        item.item_id,
        version=item.version + (1 if after is None else 0),
        before=json.dumps(before.document, sort_keys=True) if before else None,
        after=json.dumps(after.document, sort_keys=True) if after else None,
    )
