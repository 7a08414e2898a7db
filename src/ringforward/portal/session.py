"""The portal's session cookie and CSRF tokens: who is signed in, and is this form theirs."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from ringforward.portal.forms import FormValues, form_values
from ringforward.service.portal_login import PORTAL_SESSION_TTL, PortalSession, find_session
from ringforward.store.database import Database

SESSION_COOKIE = "rf_portal_session"
# Before sign-in there is no session to derive a token from, so the sign-in form uses a
# double-submit cookie instead: a forged cross-site form cannot know its value.
LOGIN_CSRF_COOKIE = "rf_portal_login_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
COOKIE_PATH = "/portal"


def database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def csrf_token_for(session_token: str) -> str:
    """A token only the holder of the session cookie can compute; the cookie itself is
    HttpOnly, so a page on another site can neither read it nor derive this."""
    return hmac.new(session_token.encode(), b"ringforward-portal-csrf", hashlib.sha256).hexdigest()


async def current_session(request: Request) -> PortalSession | None:
    cached = getattr(request.state, "portal_session", None)
    if isinstance(cached, PortalSession):
        return cached
    found = await find_session(database(request), request.cookies.get(SESSION_COOKIE))
    request.state.portal_session = found
    return found


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _set_cookie(
    request: Request, response: Response, name: str, token: str, **options: Any
) -> None:
    # Cookies only the portal's own pages get, never readable by scripts.
    response.set_cookie(
        name, token, path=COOKIE_PATH, httponly=True, secure=_secure(request), **options
    )


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    _set_cookie(
        request, response, SESSION_COOKIE, token, max_age=PORTAL_SESSION_TTL, samesite="lax"
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH)


def login_csrf_token(request: Request) -> str:
    """The sign-in form's token: the cookie's value when present, else a new one."""
    return request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)


def set_login_csrf_cookie(request: Request, response: Response, token: str) -> None:
    _set_cookie(request, response, LOGIN_CSRF_COOKIE, token, samesite="strict")


def _submitted_token(request: Request, form: FormData) -> str:
    value = form.get(CSRF_FIELD)
    if isinstance(value, str) and value:
        return value
    return request.headers.get(CSRF_HEADER, "")


def csrf_ok(request: Request, form: FormData, session: PortalSession) -> bool:
    expected = csrf_token_for(session.token)
    return hmac.compare_digest(_submitted_token(request, form).encode(), expected.encode())


def login_csrf_ok(request: Request, form: FormData) -> bool:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    submitted = _submitted_token(request, form)
    return bool(cookie) and hmac.compare_digest(submitted.encode(), cookie.encode())


class SignInRequired(Exception):
    """No live session: the page answers with the way to the sign-in form."""


class ForeignForm(Exception):
    """A posted form whose CSRF token is not the session's: refused with a 403 page."""

    def __init__(self, session: PortalSession) -> None:
        super().__init__("form without this session's CSRF token")
        self.session = session


@dataclass(frozen=True)
class PostedChange:
    """A change posted by a signed-in user, its CSRF token checked, and its fields."""

    session: PortalSession
    values: FormValues


async def signed_in(request: Request) -> PortalSession:
    session = await current_session(request)
    if session is None:
        raise SignInRequired
    return session


async def posted_change(request: Request) -> PostedChange:
    session = await signed_in(request)
    form = await request.form()
    if not csrf_ok(request, form, session):
        raise ForeignForm(session)
    return PostedChange(session, form_values(form))


# What the portal's routes declare to receive: the database, the signed-in session, or a
# posted change (session plus checked form).
Db = Annotated[Database, Depends(database)]
Session = Annotated[PortalSession, Depends(signed_in)]
Change = Annotated[PostedChange, Depends(posted_change)]
