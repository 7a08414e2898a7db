"""Rendering portal pages: the template environment, refusals shown beside their control."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse, RedirectResponse, Response

from ringforward.domain.errors import (
    DomainError,
    NotFoundError,
    PermissionDeniedError,
    PreconditionFailedError,
)
from ringforward.portal.session import CSRF_HEADER, csrf_token_for
from ringforward.service.portal_login import PortalSession

PORTAL = "/portal"
STATIC = f"{PORTAL}/static"
TEMPLATES = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))
TEMPLATES.env.trim_blocks = True
TEMPLATES.env.lstrip_blocks = True


@dataclass(frozen=True)
class Problem:
    """A refused change: which control it belongs to (``where``), the parameter the
    domain named (``field``), the message, and the HTTP status the page is sent with."""

    where: str
    message: str
    field: str | None = None
    status: int = 400

    def at(self, where: str) -> bool:
        return self.where == where


def status_of(error: DomainError) -> int:
    # A stale page is a conflict with what the user saw, not a failed HTTP precondition.
    return 409 if isinstance(error, PreconditionFailedError) else error.status


def problem_of(error: DomainError, where: str) -> Problem:
    messages = [detail.message for detail in error.details] or [error.message]
    # Several details (one response naming every problem) read best as one sentence each.
    message = " ".join(m if m.endswith(".") else f"{m}." for m in dict.fromkeys(messages))
    return Problem(where, message, error.parameter_name, status_of(error))


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def page(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    session: PortalSession | None,
    status: int = 200,
) -> HTMLResponse:
    values: dict[str, Any] = {
        "session": session,
        "csrf": csrf_token_for(session.token) if session else "",
        "csrf_header": json.dumps({CSRF_HEADER: csrf_token_for(session.token)}) if session else "",
        "static": STATIC,
        "portal": PORTAL,
        "problem": None,
        "notice": None,
        **context,
    }
    return TEMPLATES.TemplateResponse(request, template, values, status_code=status)


def redirect(request: Request, url: str) -> Response:
    """Go to ``url``: a 303 for a plain form post, ``HX-Redirect`` for an htmx request (an
    XHR would otherwise follow the redirect and swap a whole page into a fragment)."""
    if is_htmx(request):
        return Response(status_code=200, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def sign_in_redirect(request: Request) -> Response:
    target = request.url.path
    if request.method != "GET":
        target = PORTAL + "/extensions"
    elif request.url.query:
        target = f"{target}?{request.url.query}"
    return redirect(request, f"{PORTAL}/?next={quote(target, safe='')}")


def error_page(request: Request, session: PortalSession | None, error: DomainError) -> HTMLResponse:
    """A whole page for a refusal that leaves nothing to show (no such or a forbidden
    extension): say so plainly, and show nothing of the extension."""
    status = status_of(error)
    if isinstance(error, PermissionDeniedError):
        message = "You can manage only your own extension. Ask an account admin for access."
    elif isinstance(error, NotFoundError):
        message = "There is no such extension or rule, or it is not yours to see."
    else:
        message = error.message
    return page(
        request,
        "error.html",
        {"message": message, "status": status},
        session=session,
        status=status,
    )
