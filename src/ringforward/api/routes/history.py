"""An answering rule's audit trail (our extension): list its changes and revert one."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import JSONResponse

from ringforward.api.deps import (
    BaseUrl,
    Caller,
    Db,
    Paging,
    extension_router,
    principal,
    require_extensions,
)
from ringforward.api.paging import paged
from ringforward.api.render import extension_uri, rule_json
from ringforward.service import history as use_cases
from ringforward.service.history import RuleChange, RuleHistory
from ringforward.service.rules_store import etag_of

# Under --strict-ringcentral the trail is still kept; it is only not served, exactly as
# RingCentral has no such resource.
router = extension_router(
    "answering-rule/{ruleId}", Depends(require_extensions), Depends(principal)
)


def iso_time(at: float) -> str:
    """RingCentral's timestamp style: UTC with milliseconds and a ``Z``."""
    moment = datetime.fromtimestamp(at, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _change_json(base: str, history: RuleHistory, change: RuleChange) -> dict[str, Any]:
    extension = history.target.extension
    actor: dict[str, Any] = {
        "id": change.actor_id,
        "uri": extension_uri(base, extension.account_id, change.actor_id),
    }
    if change.actor is not None:
        actor["extensionNumber"] = change.actor.extension_number
        actor["name"] = change.actor.name

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
    request: Request,
    accountId: str,
    extensionId: str,
    ruleId: str,
    who: Caller,
    db: Db,
    page: Paging,
    base: BaseUrl,
) -> dict[str, Any]:
    history = await use_cases.rule_history(db, who, accountId, extensionId, ruleId)
    chunk, fields = paged(request, history.changes, page)
    return {"records": [_change_json(base, history, change) for change in chunk], **fields}


@router.post("/history/{version}/revert")
async def revert(
    request: Request,
    accountId: str,
    extensionId: str,
    ruleId: str,
    version: str,
    who: Caller,
    db: Db,
    base: BaseUrl,
) -> JSONResponse:
    view = await use_cases.revert_change(
        db,
        who,
        accountId,
        extensionId,
        ruleId,
        use_cases.parse_version(version),
        if_match=request.headers.get("if-match"),
    )
    body = rule_json(base, view.target.extension, view.rule, view.numbers)
    return JSONResponse(body, headers={"ETag": etag_of(view.rule)})
