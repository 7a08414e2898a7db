"""The "Who rings" panel's own route: the timeline for a chosen time and caller."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from ringforward.domain.errors import DomainError
from ringforward.portal.render import PORTAL, TEMPLATES, error_page, sign_in_redirect
from ringforward.portal.session import current_session
from ringforward.portal.who_rings import who_rings_context

router = APIRouter(prefix=PORTAL)


@router.get("/extensions/{extension_id}/who-rings")
async def who_rings(
    request: Request, extension_id: str, at: str = "", caller: str = ""
) -> Response:
    session = await current_session(request)
    if session is None:
        return sign_in_redirect(request)
    try:
        context = await who_rings_context(
            request, session.principal, extension_id, at=at, caller=caller
        )
    except DomainError as error:
        return error_page(request, session, error)
    status = 400 if context["who_problem"] else 200
    return TEMPLATES.TemplateResponse(request, "_who_rings.html", context, status_code=status)
