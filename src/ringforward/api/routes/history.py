"""An answering rule's audit trail (our extension): list its changes and revert one."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from ringforward.api.deps import (
    BaseUrl,
    Paging,
    extension_router,
    principal,
    require_extensions,
)
from ringforward.api.extension_call import Ext
from ringforward.api.paging import paged
from ringforward.api.render import extension_uri, rule_json, rule_uri
from ringforward.domain.model import Extension
from ringforward.service import history as use_cases
from ringforward.service.history import RuleChange, RuleHistory
from ringforward.service.rules_store import etag_of


def history_router(resource: str) -> APIRouter:
    """The router of a resource's trail. Under --strict-ringcentral the trail is still
    kept; it is only not served, exactly as RingCentral has no such resource."""
    return extension_router(resource, Depends(require_extensions), Depends(principal))


router = history_router("answering-rule/{ruleId}")


def iso_time(at: float) -> str:
    """RingCentral's timestamp style: UTC with milliseconds and a ``Z``."""
    moment = datetime.fromtimestamp(at, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def actor_json(
    base: str, account_id: str, actor_id: str, actor: Extension | None
) -> dict[str, Any]:
    """Who made a change: the extension's id and address, and its number and name if known."""
    body: dict[str, Any] = {"id": actor_id, "uri": extension_uri(base, account_id, actor_id)}
    if actor is not None:
        body["extensionNumber"] = actor.extension_number
        body["name"] = actor.name
    return body


def _change_json(base: str, history: RuleHistory, change: RuleChange) -> dict[str, Any]:
    extension = history.target.extension
    actor = actor_json(base, extension.account_id, change.actor_id, change.actor)

    def rendered(rule: Any) -> dict[str, Any] | None:
        return None if rule is None else rule_json(base, extension, rule, history.numbers)

    return {
        "version": change.version,
        "at": iso_time(change.at),
        "actor": actor,
        "before": rendered(change.before),
        "after": rendered(change.after),
    }


@router.get("/history")
async def list_history(
    request: Request, ext: Ext, ruleId: str, page: Paging, base: BaseUrl
) -> dict[str, Any]:
    history = await use_cases.rule_history(ext, ruleId)
    # The links name the rule by its ids, so they mean the same list whoever follows them.
    collection = f"{rule_uri(base, history.target.extension, history.rule_id)}/history"
    chunk, fields = paged(request, history.changes, page, collection_uri=collection)
    return {"records": [_change_json(base, history, change) for change in chunk], **fields}


@router.post("/history/{version}/revert")
async def revert(
    request: Request, ext: Ext, ruleId: str, version: str, base: BaseUrl
) -> JSONResponse:
    view = await use_cases.revert_change(
        ext, ruleId, use_cases.parse_version(version), if_match=request.headers.get("if-match")
    )
    body = rule_json(base, view.target.extension, view.rule, view.numbers)
    return JSONResponse(body, headers={"ETag": etag_of(view.rule)})
