"""Refusing text no database can store, once, at the edge of the API and the portal.

PostgreSQL cannot store NUL in text, and no database can store an unpaired UTF-16
surrogate (only a ``\\uD800``-style JSON escape can make one). Rather than each field
checking, every request's path, query and JSON or form body is looked at here, before
any route runs, so both backends answer the same 400 and nothing is changed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import parse_qsl

from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ringforward.api.buffered_body import read_body, replaying
from ringforward.api.errors import error_response
from ringforward.api.http_middleware import HttpMiddleware
from ringforward.domain.errors import DomainError, OAuthError, invalid
from ringforward.portal.headers import PORTAL_HEADERS

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
WHY = "contains a character that cannot be stored (NUL or an unpaired surrogate)"
PORTAL_PREFIX = "/portal"
OAUTH_PREFIX = "/restapi/oauth/"
FORM = "application/x-www-form-urlencoded"


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every string in a JSON value (keys too), with a parameter name for it."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            yield name, str(key)
            yield from _strings(item, name)
    elif isinstance(value, list):
        for position, item in enumerate(value):
            yield from _strings(item, f"{path}[{position}]")


def _leaf_routes(routes: Iterable[Any]) -> Iterator[Any]:
    for route in routes:
        # FastAPI wraps each included router; its own routes hold the full path templates.
        inner = getattr(route, "original_router", None)
        yield from _leaf_routes(inner.routes) if inner is not None else (route,)


def _path_parameter(scope: Scope) -> str:
    """The name of the path parameter holding the bad text, when a route's template fits."""
    path = str(scope["path"])
    for route in _leaf_routes(scope["app"].router.routes):
        pattern = getattr(route, "path_regex", None)
        found = pattern.match(path) if pattern is not None else None
        if found is not None:
            for name, value in found.groupdict().items():
                if value and UNSTORABLE.search(value):
                    return str(name)
    return "path"


def _body_strings(media_type: str, body: bytes) -> Iterator[tuple[str, str]]:
    if media_type == FORM:
        yield from parse_qsl(body.decode("latin-1"), keep_blank_values=True)
        # parse_qsl decodes escapes as UTF-8 (invalid bytes become U+FFFD): only NUL remains.
    elif media_type.endswith("json"):
        try:
            value = json.loads(body)
        except (ValueError, RecursionError):
            return  # not JSON at all: the route refuses it with its own 400
        yield from _strings(value, "")


def unstorable_json(raw: bytes, value: Any) -> str | None:
    """The parameter of the first text that cannot be stored in ``value``, the JSON of
    the UTF-8 ``raw``, if any. Valid UTF-8 holds no surrogate and JSON no raw control
    character: only a ``\\u`` escape can make either, so without one there is none."""
    return _unstorable(_strings(value, "")) if b"\\u" in raw else None


def _unstorable(pairs: Iterator[tuple[str, str]]) -> str | None:
    for name, value in pairs:
        if UNSTORABLE.search(name) or UNSTORABLE.search(value):
            return name or "body"
    return None


def _refusal(scope: Scope, parameter: str) -> Response:
    path = str(scope["path"])
    if path.startswith(PORTAL_PREFIX):
        return HTMLResponse(
            "<!doctype html><title>Bad request</title>"
            f"<p>The form or address {WHY}. Go back and correct it.</p>",
            status_code=400,
            # Answered before the portal's own middleware runs: give it the same headers.
            headers=PORTAL_HEADERS,
        )
    error: DomainError = invalid(parameter, WHY)
    if path.startswith(OAUTH_PREFIX):
        error = OAuthError(
            error.message, oauth_error="invalid_request", code="OAU-101", parameter_name=parameter
        )
    return error_response(error)


class RefuseUnstorableText(HttpMiddleware):
    """A 400 for NUL or an unpaired surrogate anywhere in a request's text."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        super().__init__(app)
        self.max_body_bytes = max_body_bytes

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        parameter = None
        if UNSTORABLE.search(str(scope["path"])):
            parameter = _path_parameter(scope)
        if parameter is None:
            query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), True)
            parameter = _unstorable(iter(query))
        media_type = _media_type(scope)
        replay: list[Message] = []
        if parameter is None and (media_type == FORM or media_type.endswith("json")):
            body, replay, complete = await read_body(receive, self.max_body_bytes)
            if complete:
                parameter = _unstorable(_body_strings(media_type, body))
        if parameter is not None:
            await _refusal(scope, parameter)(scope, receive, send)
            return
        await self.app(scope, replaying(replay, receive), send)


def _media_type(scope: Scope) -> str:
    for key, value in scope.get("headers", ()):
        if key.lower() == b"content-type":
            return str(value.decode("latin-1")).split(";")[0].strip().lower()
    return ""
