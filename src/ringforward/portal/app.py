"""Mounting the portal (its pages and static files) on the service's ASGI app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response

from ringforward.portal import (
    business_hours,
    change_history,
    custom_rules,
    enhanced,
    entry,
    number_changes,
    rule_changes,
    who_rings,
)
from ringforward.portal.headers import PortalSecurityHeaders
from ringforward.portal.responses import PORTAL, STATIC, page, sign_in_redirect
from ringforward.portal.session import ForeignForm, SignInRequired

STATIC_DIRECTORY = Path(__file__).with_name("static")


async def _sign_in_first(request: Request, _error: Exception) -> Response:
    return sign_in_redirect(request)


async def _refuse_foreign_form(request: Request, error: Exception) -> Response:
    assert isinstance(error, ForeignForm)
    context = {
        "message": "This form has expired or did not come from this portal. "
        "Reload the page and try again.",
        "status": 403,
    }
    return page(request, "error.html", context, session=error.session, status=403)


def install_portal(app: FastAPI) -> None:
    """Serve the portal under ``/portal/``; its pages never appear in the API's schema."""
    for module in (
        entry,
        rule_changes,
        number_changes,
        custom_rules,
        business_hours,
        who_rings,
        change_history,
        enhanced,
    ):
        app.include_router(module.router, include_in_schema=False)
    app.add_exception_handler(SignInRequired, _sign_in_first)
    app.add_exception_handler(ForeignForm, _refuse_foreign_form)
    app.mount(STATIC, StaticFiles(directory=STATIC_DIRECTORY), name="portal-static")
    app.add_middleware(PortalSecurityHeaders, prefix=PORTAL)
