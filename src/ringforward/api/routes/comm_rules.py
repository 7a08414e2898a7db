"""v2 comm-handling: voice interaction rules and forwarding targets."""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response
from fastapi.responses import JSONResponse

from ringforward.api.body import read_json
from ringforward.api.deps import query_flag
from ringforward.api.extension_call import Ext
from ringforward.api.routes.comm_common import if_match, item_response, v2_page, v2_router
from ringforward.service import comm_interaction as rules
from ringforward.service import comm_targets as targets

router = v2_router()


@router.get("/voice/interaction-rules")
async def list_interaction_rules(request: Request, ext: Ext) -> dict[str, Any]:
    enabled = query_flag(request, "enabled") if request.query_params.get("enabled") else None
    found = await rules.list_rules(ext, enabled=enabled)
    chunk, paging = v2_page(request, found)
    return {"records": [rule.document for rule in chunk], "paging": paging}


@router.post("/voice/interaction-rules")
async def create_interaction_rule(request: Request, ext: Ext) -> JSONResponse:
    body = await read_json(request)
    rule = await rules.create_rule(ext, body)
    return item_response(request, rule.document, rule, status=201)


@router.get("/voice/interaction-rules/{ruleId}")
async def read_interaction_rule(request: Request, ext: Ext, ruleId: str) -> JSONResponse:
    rule = await rules.get_rule(ext, ruleId)
    return item_response(request, rule.document, rule)


@router.patch("/voice/interaction-rules/{ruleId}")
async def update_interaction_rule(request: Request, ext: Ext, ruleId: str) -> JSONResponse:
    body = await read_json(request)
    rule = await rules.patch_rule(ext, ruleId, body, if_match=if_match(request))
    return item_response(request, rule.document, rule)


@router.delete("/voice/interaction-rules/{ruleId}")
async def delete_interaction_rule(request: Request, ext: Ext, ruleId: str) -> Response:
    await rules.delete_rule(ext, ruleId, if_match=if_match(request))
    return Response(status_code=204)


@router.get("/voice/forwarding-targets")
async def read_forwarding_targets(request: Request, ext: Ext) -> dict[str, Any]:
    exclude_own = query_flag(request, "excludeOwnTargets")
    found = await targets.forwarding_targets(ext, exclude_own=exclude_own)
    chunk, paging = v2_page(request, found)
    return {"records": chunk, "paging": paging}


@router.delete("/voice/forwarding-targets")
async def delete_forwarding_targets(request: Request, ext: Ext) -> dict[str, Any]:
    body = await read_json(request)
    results = await targets.remove_forwarding_targets(ext, body)
    return {"records": results}


@router.get("/voice/forwarding-targets/devices/{deviceId}/extensions")
async def extensions_using_device(request: Request, ext: Ext, deviceId: str) -> dict[str, Any]:
    found = await targets.extensions_using_device(ext, deviceId)
    chunk, paging = v2_page(request, found)
    return {"referencedExtensions": [{"id": e} for e in chunk], "paging": paging}
