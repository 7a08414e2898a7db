"""v2 comm-handling: states and voice state rules."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

from ringforward.api.body import read_json
from ringforward.api.extension_call import Ext
from ringforward.api.routes.comm_common import (
    ReadableState,
    UpdatableState,
    if_match,
    item_response,
    v2_page,
    v2_router,
)
from ringforward.domain.comm_handling.model import STATE_NAMES
from ringforward.service import comm_states as use_cases
from ringforward.store.comm_handling import StoredItem

router = v2_router()


def state_rule_json(rule: StoredItem, state: StoredItem) -> dict[str, Any]:
    return {
        "id": rule.item_id,
        "displayName": STATE_NAMES[rule.item_id],
        "dispatching": rule.document,
        "state": state.document,
    }


@router.get("/states")
async def list_states(request: Request, ext: Ext) -> dict[str, Any]:
    states = await use_cases.list_states(ext)
    chunk, paging = v2_page(request, states)
    return {"records": [state.document for state in chunk], "paging": paging}


@router.get("/states/{stateId}")
async def read_state(request: Request, ext: Ext, state_id: ReadableState) -> JSONResponse:
    state = await use_cases.get_state(ext, state_id)
    return item_response(request, state.document, state)


@router.patch("/states/{stateId}")
async def update_state(request: Request, ext: Ext, state_id: UpdatableState) -> JSONResponse:
    body = await read_json(request)
    state = await use_cases.patch_state(ext, state_id, body)
    return item_response(request, state.document, state)


@router.get("/voice/state-rules")
async def list_state_rules(request: Request, ext: Ext) -> dict[str, Any]:
    rules = await use_cases.list_state_rules(ext)
    chunk, paging = v2_page(request, rules)
    return {"records": [state_rule_json(rule, state) for rule, state in chunk], "paging": paging}


@router.get("/voice/state-rules/{stateId}")
async def read_state_rule(request: Request, ext: Ext, state_id: ReadableState) -> JSONResponse:
    rule, state = await use_cases.get_state_rule(ext, state_id)
    return item_response(request, state_rule_json(rule, state), rule)


@router.patch("/voice/state-rules/{stateId}")
async def update_state_rule(request: Request, ext: Ext, state_id: ReadableState) -> JSONResponse:
    body = await read_json(request)
    rule, state = await use_cases.patch_state_rule(
        ext,
        state_id,
        body,
        if_match=if_match(request),
    )
    return item_response(request, state_rule_json(rule, state), rule)
