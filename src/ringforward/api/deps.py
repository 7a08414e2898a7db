"""What every route needs: the database, the caller's principal, the base URL, flags."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.params import Depends as Dependency
from starlette.types import Scope

from ringforward.api.errors import HttpError
from ringforward.api.paging import PageRequest, page_request
from ringforward.api.paths import EXTENSION
from ringforward.config import Settings
from ringforward.domain.errors import invalid
from ringforward.service.access import Principal
from ringforward.service.auth import authenticate
from ringforward.service.login_guard import LoginGuard
from ringforward.store.database import Database


def database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def settings(request: Request) -> Settings:
    current: Settings = request.app.state.settings
    return current


def login_guard(request: Request) -> LoginGuard:
    """The server's wrong-password counts: the portal and the token endpoint share them,
    so both ways in count against the same account."""
    guard: LoginGuard = request.app.state.login_guard
    return guard


def base_url(request: Request) -> str:
    return base_url_of(request.scope)


# Base URLs by what Starlette builds one from; a server is asked under few names, but
# the Host header is the client's to choose, hence the bound.
_BASE_URLS: dict[tuple[Any, ...], str] = {}
_BASE_URLS_KEPT = 256


def base_url_of(scope: Scope) -> str:
    """Starlette's ``request.base_url`` without the final slash, built once per scheme,
    server address, Host header and root path: building it parses the header and joins
    a URL (some microseconds, on every answer with links)."""
    host = next((value for name, value in scope["headers"] if name == b"host"), None)
    server = scope.get("server")
    root = scope.get("app_root_path", scope.get("root_path", ""))
    key = (scope.get("scheme", "http"), tuple(server) if server else None, host, root)
    found = _BASE_URLS.get(key)
    if found is None:
        found = str(Request(scope).base_url).rstrip("/")
        if len(_BASE_URLS) >= _BASE_URLS_KEPT:
            _BASE_URLS.clear()
        _BASE_URLS[key] = found
    return found


def token_of_header(header: str) -> str | None:
    """The token of an ``Authorization: Bearer …`` header value."""
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def bearer_token(request: Request) -> str | None:
    return token_of_header(request.headers.get("authorization", ""))


async def principal(request: Request) -> Principal:
    """The caller, from its bearer token; remembered on the request for later layers."""
    cached = getattr(request.state, "principal", None)
    if isinstance(cached, Principal):
        return cached
    found = await authenticate(database(request), bearer_token(request))
    request.state.principal = found
    return found


def wants_fresh_header(cache_control: str) -> bool:
    """``Cache-Control: no-cache`` (or ``no-store``): the answer must come from the
    database, not memory."""
    directives = cache_control.lower().split(",")
    return any(directive.strip() in ("no-cache", "no-store") for directive in directives)


def wants_fresh(request: Request) -> bool:
    return wants_fresh_header(request.headers.get("cache-control", ""))


def query_flag(request: Request, name: str, default: bool = False) -> bool:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.lower()
    if lowered not in ("true", "false"):
        raise invalid(name, "must be true or false")
    return lowered == "true"


def extensions_enabled(request: Request) -> bool:
    """Our optional extensions (ETag, If-Match, PATCH, call flow) unless strict mode."""
    return extensions_on(request.app)


def extensions_on(app: Any) -> bool:
    """``extensions_enabled`` for the application itself, outside a route."""
    current: Settings = app.state.settings
    return not current.strict_ringcentral


def require_extensions(request: Request) -> None:
    """Our extension resources answer 404 under strict mode, as RingCentral has none."""
    if not extensions_enabled(request):
        raise HttpError(404, "Resource not found", code="CMN-102")


# Parameters a route declares to receive what it needs; FastAPI runs each dependency once
# per request. Routers list ``Depends(principal)`` first, so a caller without a valid
# token learns nothing, not even about its query parameters.
Db = Annotated[Database, Depends(database)]
Caller = Annotated[Principal, Depends(principal)]
Paging = Annotated[PageRequest, Depends(page_request)]
BaseUrl = Annotated[str, Depends(base_url)]
Guard = Annotated[LoginGuard, Depends(login_guard)]
AUTHENTICATED = [Depends(principal)]


def extension_router(resource: str, *dependencies: Dependency) -> APIRouter:
    """The router of one resource of an extension; callers authenticated before anything
    else unless ``dependencies`` say what comes first."""
    return APIRouter(
        prefix=f"{EXTENSION}/{resource}", dependencies=list(dependencies or AUTHENTICATED)
    )
