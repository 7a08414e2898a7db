"""Loading an enhanced extension's call handling for the call-flow engine."""

from __future__ import annotations

from ringforward.domain.comm_handling.callflow import EnhancedCallHandling
from ringforward.domain.comm_handling.model import (
    ENHANCED,
    INTERACTION_RULE,
    STATE,
    STATE_RULE,
)
from ringforward.service.access import time_zone_of
from ringforward.service.scope import Scope


async def load_enhanced(scope: Scope) -> EnhancedCallHandling | None:
    """The extension's v2 call handling, or None when its account is legacy."""
    comm = scope.repos.comm
    if await comm.generation(scope.account.id) != ENHANCED:
        return None
    extension_id = scope.extension.id
    return EnhancedCallHandling(
        extension_id=extension_id,
        time_zone=time_zone_of(scope.target),
        states={s.item_id: s.document for s in await comm.items(extension_id, STATE)},
        state_rules={r.item_id: r.document for r in await comm.items(extension_id, STATE_RULE)},
        interaction_rules=[r.document for r in await comm.items(extension_id, INTERACTION_RULE)],
    )
