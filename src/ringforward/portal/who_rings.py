"""The "Who rings" panel: a call simulated for the chosen time and caller, and its route."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from starlette.responses import Response

from ringforward.domain.errors import DomainError
from ringforward.portal.responses import PORTAL, TEMPLATES, error_page
from ringforward.portal.session import Session, database
from ringforward.portal.timeline import timeline_of
from ringforward.service.access import CURRENT, Principal, time_zone_of
from ringforward.service.accounts import get_extension
from ringforward.service.callflow import simulate_call
from ringforward.service.scope import ExtensionCall


async def who_rings_context(
    request: Request, principal: Principal, extension_id: str, *, at: str, caller: str
) -> dict[str, Any]:
    """What the panel shows; a refused time or number is shown beside the picker."""
    ext = ExtensionCall(database(request), principal, CURRENT, extension_id)
    target = await get_extension(ext)
    zone = time_zone_of(target)
    when = at or datetime.now(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")
    context: dict[str, Any] = {
        "who_rings_url": f"{PORTAL}/extensions/{quote(extension_id, safe='')}/who-rings",
        "who_at": when,
        "who_from": caller,
        "who_zone": zone,
        "timeline": None,
        "who_problem": None,
    }
    try:
        flow = await simulate_call(ext, at=when, caller=caller or None, called=None)
    except DomainError as error:
        context["who_problem"] = error.message
    else:
        context["timeline"] = timeline_of(flow)
    return context


router = APIRouter(prefix=PORTAL)


@router.get("/extensions/{extension_id}/who-rings")
async def who_rings(
    request: Request, extension_id: str, session: Session, at: str = "", caller: str = ""
) -> Response:
    try:
        context = await who_rings_context(
            request, session.principal, extension_id, at=at, caller=caller
        )
    except DomainError as error:
        return error_page(request, session, error)
    status = 400 if context["who_problem"] else 200
    return TEMPLATES.TemplateResponse(request, "_who_rings.html", context, status_code=status)
