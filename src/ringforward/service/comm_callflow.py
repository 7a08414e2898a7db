"""Loading an enhanced extension's call handling for the call-flow engine."""

from __future__ import annotations

from ringforward.domain.comm_handling.callflow import EnhancedCallHandling
from ringforward.domain.comm_handling.model import (
    ENHANCED,
    INTERACTION_RULE,
    STATE,
    STATE_RULE,
)
from ringforward.domain.model import Account, Extension
from ringforward.service.access import Target, time_zone_of
from ringforward.service.scope import Scope
from ringforward.store.repositories import Repositories


async def load_enhanced(scope: Scope) -> EnhancedCallHandling | None:
    """The extension's v2 call handling, or None when its account is legacy."""
    return await load_enhanced_of(scope.repos, scope.account, scope.extension)


async def load_enhanced_of(
    repos: Repositories, account: Account, extension: Extension
) -> EnhancedCallHandling | None:
    """As ``load_enhanced``, for callers without a principal (the SIP proxy)."""
    if await repos.comm.generation(account.id) != ENHANCED:
        return None
    return await enhanced_handling(repos, account, extension)


async def enhanced_handling(
    repos: Repositories, account: Account, extension: Extension
) -> EnhancedCallHandling:
    """The extension's stored v2 call handling (its account known to be enhanced)."""
    comm = repos.comm
    extension_id = extension.id
    return EnhancedCallHandling(
        extension_id=extension_id,
        time_zone=time_zone_of(Target(account, extension)),
        states={s.item_id: s.document for s in await comm.items(extension_id, STATE)},
        state_rules={r.item_id: r.document for r in await comm.items(extension_id, STATE_RULE)},
        interaction_rules=[r.document for r in await comm.items(extension_id, INTERACTION_RULE)],
    )
