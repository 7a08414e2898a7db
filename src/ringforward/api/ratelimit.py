"""Rate limits per user and app by each operation's throttling group, with RingCentral headers."""

from __future__ import annotations

import base64
import binascii
import json
import logging
import math
import time
from collections.abc import Awaitable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fastapi import FastAPI
from limits import RateLimitItem, RateLimitItemPerSecond
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ringforward.api.buffered_body import read_body, replaying
from ringforward.api.service_spec import throttling_group
from ringforward.api.shared_budget import retry_seconds, shared_budgets
from ringforward.config import Settings
from ringforward.domain.errors import DomainError
from ringforward.service.access import Principal
from ringforward.service.auth import authenticate

log = logging.getLogger("ringforward.ratelimit")

WINDOW_SECONDS = 60
DEFAULT_LIMITS = {"Light": 50, "Medium": 40, "Heavy": 10, "Auth": 5}
UNTHROTTLED = "NoThrottling"
# Paths under the API that match no operation (they answer 404) still cost something.
FALLBACK_GROUP = "Light"
THROTTLED_PREFIXES = ("/restapi/v1.0/", "/restapi/oauth/")
EXCEEDED = "Request rate exceeded"
# The headers a verdict adds to an answer (the last only to a refusal).
VERDICT_HEADERS = (
    "X-Rate-Limit-Group",
    "X-Rate-Limit-Limit",
    "X-Rate-Limit-Remaining",
    "X-Rate-Limit-Window",
)
RETRY_AFTER = "Retry-After"


@dataclass(frozen=True)
class GroupLimit:
    """``amount`` requests per ``window`` seconds for one throttling group."""

    group: str
    amount: int
    window: int = WINDOW_SECONDS

    def item(self) -> RateLimitItem:
        return RateLimitItemPerSecond(self.amount, self.window, namespace="ringforward")


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: GroupLimit
    remaining: int
    retry_after: int

    def headers(self) -> list[tuple[bytes, bytes]]:
        figures = [self.limit.group, self.limit.amount, self.remaining, self.limit.window]
        values = list(zip(VERDICT_HEADERS, figures, strict=True))
        if not self.allowed:
            values.append((RETRY_AFTER, self.retry_after))
        return [(name.lower().encode(), str(value).encode()) for name, value in values]


def parse_overrides(text: str) -> dict[str, GroupLimit]:
    """``"Light=100,Heavy=5"`` (optionally ``Group=N/seconds``) as group limits."""
    limits: dict[str, GroupLimit] = {}
    for entry in filter(None, (part.strip() for part in text.split(","))):
        group, _, value = entry.partition("=")
        amount, _, window = value.strip().partition("/")
        if not group.strip() or not amount.isdigit() or (window and not window.isdigit()):
            raise ValueError(
                f"rate-limit override {entry!r} is not GROUP=REQUESTS or GROUP=REQUESTS/SECONDS"
            )
        limits[group.strip()] = GroupLimit(
            group.strip(), int(amount), int(window) if window else WINDOW_SECONDS
        )
    return limits


def group_limits(settings: Settings) -> dict[str, GroupLimit]:
    defaults = {group: GroupLimit(group, amount) for group, amount in DEFAULT_LIMITS.items()}
    return {**defaults, **parse_overrides(settings.rate_limit_overrides)}


def storage_url(url: str) -> tuple[str, dict[str, str]]:
    """The ``limits`` async storage URI for a user's URL, and its options.

    ``memory://`` keeps counters in the process; ``redis://host:port/db`` shares them
    between processes. A ``prefix`` query parameter sets the Redis key prefix, so that
    several deployments (or test runs) can share one Redis without sharing budgets.
    """
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    options = {"key_prefix": query.pop("prefix")} if "prefix" in query else {}
    scheme = parts.scheme if parts.scheme.startswith("async+") else f"async+{parts.scheme}"
    rebuilt = urlunsplit((scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))
    if scheme == "async+memory":
        return "async+memory://", {}
    return rebuilt, options


class RateLimiter:
    """Budgets per (group, app, user): a moving window in the process (``memory://``),
    or shared through Redis in fixed windows spent by leases (``api/shared_budget.py``)."""

    def __init__(self, limits: Mapping[str, GroupLimit], storage: str = "memory://") -> None:
        uri, options = storage_url(storage)
        self._limits = dict(limits)
        counters = storage_from_string(uri, **options)
        self._shared = shared_budgets(counters)
        self._strategy = MovingWindowRateLimiter(counters)

    def limit_of(self, group: str) -> GroupLimit:
        return self._limits.get(group) or self._limits[FALLBACK_GROUP]

    async def consume(self, group: str, identity: str) -> Verdict:
        """Count one request of ``identity`` in ``group``; refused when the budget is spent."""
        limit = self.limit_of(group)
        if self._shared is not None:
            key = f"{limit.group}/{limit.amount}/{limit.window}/{identity}"
            spent = await self._shared.spend(key, limit.amount, limit.window)
            return Verdict(spent.allowed, limit, spent.remaining, retry_seconds(spent))
        item = limit.item()
        allowed = await self._strategy.hit(item, limit.group, identity)
        stats = await self._strategy.get_window_stats(item, limit.group, identity)
        retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        return Verdict(allowed, limit, max(0, stats.remaining), retry_after)


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return ""


def _client_id_from_basic(header: str) -> str:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return "no-client"
    try:
        return base64.b64decode(encoded).decode().partition(":")[0] or "no-client"
    except (binascii.Error, UnicodeDecodeError):
        return "no-client"


def _client_id_from_form(body: bytes) -> str:
    for name, value in parse_qsl(body.decode("latin-1"), keep_blank_values=True):
        if name == "client_id":
            return value or "no-client"
    return "no-client"


async def _auth_client_id(scope: Scope, receive: Receive) -> tuple[str, Receive]:
    """The client id a token-endpoint request authenticates as, read as the route reads
    it (HTTP Basic first, else the form's ``client_id``), so both ways share one budget.
    The body read for it is handed on to the route unchanged."""
    authorization = _header(scope, b"authorization")
    if authorization.partition(" ")[0].lower() == "basic":
        return _client_id_from_basic(authorization), receive
    content_type = _header(scope, b"content-type").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        return "no-client", receive
    limit: int = scope["app"].state.max_body_bytes
    body, messages, complete = await read_body(receive, limit)
    client_id = _client_id_from_form(body) if complete else "no-client"
    return client_id, replaying(messages, receive)


async def _identity(scope: Scope, group: str, client_id: str) -> str:
    """Whose budget a request spends: the app and user of its token, else app and address.

    The token endpoints run before anyone is known, so they count per client id and
    address; a request with a bad token counts per address and is refused later anyway.
    The address is the connection's, or the forwarded one when the server was told to
    trust the proxy it came through (``--forwarded-allow-ips``).
    """
    address = (scope.get("client") or ("unknown", 0))[0]
    authorization = _header(scope, b"authorization")
    if group == "Auth":
        return f"app:{client_id}|ip:{address}"
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return f"anonymous|ip:{address}"
    try:
        principal = await authenticate(scope["app"].state.db, token.strip())
    except DomainError:
        return f"anonymous|ip:{address}"
    # The route's dependency reuses it rather than looking the token up again.
    scope.setdefault("state", {})["principal"] = principal
    return _principal_key(principal)


def _principal_key(principal: Principal) -> str:
    return f"app:{principal.client_id}|user:{principal.extension_id}"


async def _known(principal: Principal) -> str:
    return _principal_key(principal)


def _group_of(scope: Scope) -> str | None:
    path: str = scope["path"]
    group = throttling_group(scope["method"], path)
    if group is None and path.startswith(THROTTLED_PREFIXES):
        group = FALLBACK_GROUP
    return None if group == UNTHROTTLED else group


def _refusal(verdict: Verdict) -> tuple[dict[str, Any], list[tuple[bytes, bytes]]]:
    body = {
        "errorCode": "CMN-301",
        "message": EXCEEDED,
        "errors": [{"errorCode": "CMN-301", "message": EXCEEDED}],
    }
    headers = [(b"content-type", b"application/json"), *verdict.headers()]
    return body, headers


async def _count(limiter: RateLimiter, group: str, identity: Awaitable[str]) -> Verdict | None:
    """One request counted; None when the counter store (or the token's check on the way
    to it) fails: the request is then let through."""
    try:
        return await limiter.consume(group, await identity)
    except Exception:  # an unreachable counter store must not stop the API
        log.warning("rate-limit storage unavailable; request let through", exc_info=True)
        return None


async def _send_refusal(verdict: Verdict, send: Send) -> None:
    body, headers = _refusal(verdict)
    payload = json.dumps(body).encode()
    headers.append((b"content-length", str(len(payload)).encode()))
    await send({"type": "http.response.start", "status": 429, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


async def spend_known_caller(
    scope: Scope, principal: Principal, send: Send
) -> list[tuple[bytes, bytes]] | None:
    """Count a request whose caller is already known, exactly as the middleware counts it.

    Returns the headers to add to its answer, or None when the budget is spent: the 429
    has then been sent. With rate limits off, or a path no group throttles, nothing is
    counted and no header is added.
    """
    limiter: RateLimiter | None = scope["app"].state.rate_limiter
    group = _group_of(scope) if limiter is not None else None
    if limiter is None or group is None:
        return []
    verdict = await _count(limiter, group, _known(principal))
    if verdict is None:
        return []
    if not verdict.allowed:
        await _send_refusal(verdict, send)
        return None
    return verdict.headers()


class RateLimitMiddleware:
    """Counts every throttled request and adds ``X-Rate-Limit-*`` headers; 429 when spent."""

    def __init__(self, app: ASGIApp, limiter: RateLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        group = _group_of(scope) if scope["type"] == "http" else None
        if group is None:
            await self.app(scope, receive, send)
            return
        client_id = "no-client"
        if group == "Auth":
            client_id, receive = await _auth_client_id(scope, receive)
        verdict = await _count(self.limiter, group, _identity(scope, group, client_id))
        if verdict is None:
            await self.app(scope, receive, send)
            return
        if not verdict.allowed:
            await _send_refusal(verdict, send)
            return
        added = verdict.headers()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *added]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def spend_auth_budget(app: Any, identities: Iterable[str]) -> int:
    """Count a sign-in outside the API (the portal's) in the Auth group of each identity;
    the seconds to wait when one of them has spent its budget, else 0 (and 0 when limits
    are off or the counter store is unreachable, as for the API)."""
    limiter: RateLimiter | None = getattr(app.state, "rate_limiter", None)
    if limiter is None:
        return 0
    wait = 0
    try:
        for identity in identities:
            verdict = await limiter.consume("Auth", identity)
            if not verdict.allowed:
                wait = max(wait, verdict.retry_after)
    except Exception:
        log.warning("rate-limit storage unavailable; sign-in let through", exc_info=True)
        return 0
    return wait


def install_rate_limits(app: FastAPI, settings: Settings) -> None:
    """Add the middleware when ``settings.rate_limits`` is ``default`` (it is off otherwise)."""
    app.state.rate_limiter = None
    mode = settings.rate_limits.strip().lower()
    if mode == "off":
        return
    if mode != "default":
        raise ValueError(f"rate limits must be 'default' or 'off', not {settings.rate_limits!r}")
    limiter = RateLimiter(group_limits(settings), settings.rate_limit_storage)
    app.state.rate_limiter = limiter
    app.add_middleware(RateLimitMiddleware, limiter=limiter)
