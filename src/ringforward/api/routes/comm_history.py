"""Our extension on v2 states and rules: their audit trail (history) and revert."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request
from fastapi.responses import JSONResponse

from ringforward.api.deps import require_extensions
from ringforward.api.extension_call import Ext
from ringforward.api.routes.comm_common import (
    READABLE_STATES,
    UPDATABLE_STATES,
    checked_state,
    if_match,
    item_response,
    v2_page,
    v2_router,
)
from ringforward.api.routes.comm_states import state_rule_json
from ringforward.api.routes.history import iso_time
from ringforward.domain.comm_handling.model import INTERACTION_RULE, STATE, STATE_RULE
from ringforward.service import comm_history as use_cases
from ringforward.service.comm_history import Change
from ringforward.service.history import parse_version

router = v2_router()
PATHS = {
    STATE: "states",
    STATE_RULE: "voice/state-rules",
    INTERACTION_RULE: "voice/interaction-rules",
}


def _wrap(kind: str, document: dict[str, Any] | None) -> dict[str, Any] | None:
    if document is None or kind != STATE_RULE:
        return document
    return {"dispatching": document}


def _change(kind: str, change: Change) -> dict[str, Any]:
    return {
        "version": change.version,
        "at": iso_time(change.at),
        "actor": {"id": change.actor_id},
        "before": _wrap(kind, change.before),
        "after": _wrap(kind, change.after),
    }


def _item_id(kind: str, raw: str, *, reverting: bool = False) -> str:
    if kind == INTERACTION_RULE:
        return raw
    # after-hours follows work-hours' schedule: it has a history but no change of its own.
    return checked_state(raw, UPDATABLE_STATES if reverting and kind == STATE else READABLE_STATES)


def _register(kind: str) -> None:
    path = f"/{PATHS[kind]}/{{itemId}}/history"

    @router.get(path, name=f"{kind}-history", dependencies=[Depends(require_extensions)])
    async def history(request: Request, ext: Ext, itemId: str) -> dict[str, Any]:
        found = await use_cases.changes(ext, kind, _item_id(kind, itemId))
        chunk, paging = v2_page(request, found)
        return {"records": [_change(kind, c) for c in chunk], "paging": paging}

    @router.post(
        f"{path}/{{version}}/revert",
        name=f"{kind}-revert",
        dependencies=[Depends(require_extensions)],
    )
    async def revert(request: Request, ext: Ext, itemId: str, version: str) -> JSONResponse:
        item_id, number = _item_id(kind, itemId, reverting=True), parse_version(version)
        expected = if_match(request)
        item, state = await use_cases.revert(ext, kind, item_id, number, if_match=expected)
        # The same resource a GET of the rule answers.
        body = item.document if state is None else state_rule_json(item, state)
        return item_response(request, body, item)


_register(STATE)
_register(STATE_RULE)
_register(INTERACTION_RULE)
