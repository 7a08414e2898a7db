"""Giving an extension of an enhanced account its states and state rules."""

from __future__ import annotations

from typing import Any

from ringforward.domain.comm_handling.model import (
    STATE,
    STATE_ORDER,
    STATE_RULE,
    default_dispatching,
)
from ringforward.domain.comm_handling.states import Weekly, initial_states
from ringforward.store.comm_handling import CommRepository, StoredItem


async def set_up_extension(
    comm: CommRepository,
    extension_id: str,
    *,
    weekly: Weekly | None = None,
    dispatching: dict[str, dict[str, Any]] | None = None,
) -> None:
    """Insert the default states and state rules (``dispatching`` overrides per state)."""
    for state in initial_states(weekly):
        position = STATE_ORDER.index(state["id"])
        await comm.insert(extension_id, StoredItem(STATE, state["id"], position, 1, state))
        rule = (dispatching or {}).get(state["id"]) or default_dispatching(state["id"])
        await comm.insert(extension_id, StoredItem(STATE_RULE, state["id"], position, 1, rule))
