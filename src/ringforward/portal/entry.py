"""Ways in: signing in and out, the extension picker and the call-handling page itself."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from ringforward.api.deps import Guard
from ringforward.api.ratelimit import spend_auth_budget
from ringforward.domain.errors import DomainError, TooManyAttemptsError
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
# What may stay as it is in a path or query; everything else (and any non-ASCII) is
# percent-encoded. "%" stays, so an already encoded address is not encoded twice.
_PATH_SAFE = "/%-._~!$&'()*+,;=:@"
_QUERY_SAFE = f"{_PATH_SAFE}?"


def safe_next(target: str) -> str:
    """Where to go after sign-in: only a portal page, so a link cannot send users away.

    The answer is percent-encoded ASCII, so the same value is safe in ``Location`` and in
    ``HX-Redirect`` (a header cannot carry other characters, and CR or LF would end it).
    """
    if "\\" in target or any(ord(char) < 0x20 or ord(char) == 0x7F for char in target):
        return PICKER
    try:
        parts = urlsplit(target)
    except ValueError:  # e.g. an unclosed "[" where a host would be
        return PICKER
    if parts.scheme or parts.netloc or not parts.path.startswith(f"{PORTAL}/"):
        return PICKER
    path = quote(parts.path, safe=_PATH_SAFE)
    return f"{path}?{quote(parts.query, safe=_QUERY_SAFE)}" if parts.query else path


def _sign_in_page(
    request: Request,
    *,
    next_url: str,
    email: str = "",
    problem: Problem | None = None,
    retry_after: int = 0,
) -> Response:
    token = login_csrf_token(request)
    response = page(
        request,
        "sign_in.html",
        {"login_csrf": token, "next": next_url, "email": email, "problem": problem},
        session=None,
        status=problem.status if problem else 200,
    )
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    set_login_csrf_cookie(request, response, token)
    return response


def _auth_identities(request: Request, email: str) -> list[str]:
    """The Auth budgets a portal sign-in spends: its client address (as the token
    endpoint's, with the portal as the app) and the account it names."""
    address = request.client.host if request.client else "unknown"
    return [f"app:portal|ip:{address}", f"portal-login:{email.strip().lower()}"]


@router.get("/")
async def home(request: Request, next: str = "") -> Response:
    if await current_session(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _sign_in_page(request, next_url=next)


@router.post("/sign-in")
async def sign_in(request: Request, db: Db, guard: Guard) -> Response:
    form = await request.form()
    values = form_values(form)
    next_url = first(values, "next")
    email = first(values, "email")
    if not login_csrf_ok(request, form):
        problem = Problem("sign-in", "This sign-in form expired. Please sign in again.", None, 403)
        return _sign_in_page(request, next_url=next_url, email=email, problem=problem)
    password = (values.get("password") or [""])[0]
    try:
        if wait := await spend_auth_budget(request.app, _auth_identities(request, email)):
            raise TooManyAttemptsError(wait)
        session = await portal_login.sign_in(db, email, password, guard)
    except DomainError as error:
        retry_after = error.retry_after if isinstance(error, TooManyAttemptsError) else 0
        return _sign_in_page(
            request,
            next_url=next_url,
            email=email,
            problem=problem_of(error, "sign-in"),
            retry_after=retry_after,
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
