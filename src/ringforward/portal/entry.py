"""Ways in: signing in and out, the extension picker and the call-handling page itself."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from ringforward.domain.errors import DomainError
from ringforward.domain.model import BUSINESS_HOURS_RULE_ID
from ringforward.portal.call_handling import call_handling_url, render_call_handling
from ringforward.portal.enhanced import is_enhanced, render_enhanced
from ringforward.portal.forms import first, form_values
from ringforward.portal.responses import PORTAL, Problem, error_page, page, problem_of, redirect
from ringforward.portal.session import (
    Change,
    Db,
    Session,
    clear_session_cookie,
    current_session,
    login_csrf_ok,
    login_csrf_token,
    set_login_csrf_cookie,
    set_session_cookie,
)
from ringforward.service import accounts, portal_login
from ringforward.service.access import CURRENT

router = APIRouter(prefix=PORTAL)
PICKER = f"{PORTAL}/extensions"


def safe_next(target: str) -> str:
    """Where to go after sign-in: only a portal page, so a link cannot send users away."""
    if target.startswith(f"{PORTAL}/") and not target.startswith("//") and "\\" not in target:
        return target
    return PICKER


def _sign_in_page(
    request: Request, *, next_url: str, email: str = "", problem: Problem | None = None
) -> Response:
    token = login_csrf_token(request)
    response = page(
        request,
        "sign_in.html",
        {"login_csrf": token, "next": next_url, "email": email, "problem": problem},
        session=None,
        status=problem.status if problem else 200,
    )
    set_login_csrf_cookie(request, response, token)
    return response


@router.get("/")
async def home(request: Request, next: str = "") -> Response:
    if await current_session(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _sign_in_page(request, next_url=next)


@router.post("/sign-in")
async def sign_in(request: Request, db: Db) -> Response:
    form = await request.form()
    values = form_values(form)
    next_url = first(values, "next")
    email = first(values, "email")
    if not login_csrf_ok(request, form):
        problem = Problem("sign-in", "This sign-in form expired. Please sign in again.", None, 403)
        return _sign_in_page(request, next_url=next_url, email=email, problem=problem)
    password = (values.get("password") or [""])[0]
    try:
        session = await portal_login.sign_in(db, email, password)
    except DomainError as error:
        return _sign_in_page(
            request, next_url=next_url, email=email, problem=problem_of(error, "sign-in")
        )
    response = redirect(request, safe_next(next_url))
    set_session_cookie(request, response, session.token)
    return response


@router.post("/sign-out")
async def sign_out(request: Request, change: Change, db: Db) -> Response:
    await portal_login.sign_out(db, change.session.token)
    response = redirect(request, f"{PORTAL}/")
    clear_session_cookie(response)
    return response


@router.get("/extensions")
async def extension_picker(request: Request, session: Session, db: Db) -> Response:
    try:
        listed = await accounts.list_extensions(db, session.principal, CURRENT)
    except DomainError as error:
        return error_page(request, session, error)
    return page(
        request,
        "extensions.html",
        {"account": listed.account, "extensions": listed.extensions},
        session=session,
    )


@router.get("/extensions/{extension_id}")
async def extension_home(extension_id: str) -> Response:
    return RedirectResponse(call_handling_url(extension_id, BUSINESS_HOURS_RULE_ID), 303)


@router.get("/extensions/{extension_id}/call-handling")
async def call_handling(
    request: Request,
    extension_id: str,
    session: Session,
    db: Db,
    rule: str = BUSINESS_HOURS_RULE_ID,
) -> Response:
    if await is_enhanced(db, session.principal, extension_id):
        return await render_enhanced(request, db, session, extension_id, rule)
    return await render_call_handling(request, session, extension_id, rule)
