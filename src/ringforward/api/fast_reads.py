"""The hot GETs answered from memory in front of FastAPI's router.

GETs of an answering rule, the forwarding-number list, business hours and the v2 states
and state rules are what clients (and phones' apps) poll. Once the full application has
answered one with a 200, the answer's bytes and headers are kept in the read model
(``service/read_model.py``) under who asked (account, extension, admin flag), the exact
path and query, and the address the links in it were built on, with the change stamp
taken *before* the application ran. The same question asked again while the stamp is
unchanged, by a token whose principal is still in the principal cache, is answered with
those bytes: no routing, no dependencies, no JSON.

What it does not skip: the token is checked through the principal cache (so revocation,
expiry, a disabled or deleted extension and a lost admin flag, all of which are writes
and change the stamp, take effect as they do on the full path), and the request is
counted and refused by the same rate-limit code as any other (``api/ratelimit.py``).
Permissions need no check of their own: an answer is only ever served to the same
principal it was made for, and only while nothing it was made from has changed.

Anything else goes to the full application unchanged, so every error and every unusual
request is answered exactly as before: another method or path, a query parameter the
route does not take, an encoded path, a request header the answer might depend on,
``Cache-Control: no-cache``, a token not in the principal cache, a stamp that cannot be
told, an answer not (or no longer) kept.
"""

from __future__ import annotations

import re
import time
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ringforward.api.deps import token_of_header, wants_fresh_header
from ringforward.api.ratelimit import RETRY_AFTER, VERDICT_HEADERS, spend_known_caller
from ringforward.service.access import Principal
from ringforward.service.auth import principal_under
from ringforward.service.read_model import read_model
from ringforward.service.secrets import hash_token

_ID = r"(?:~|[0-9]+)"
_V1 = rf"/restapi/v1\.0/account/{_ID}/extension/{_ID}/"
_V2 = rf"/restapi/v2/accounts/{_ID}/extensions/{_ID}/comm-handling/"
# One pattern for every path answered here; the group that matched names the resource.
PATHS = re.compile(
    rf"{_V1}(?:(?P<rule>answering-rule/[A-Za-z0-9-]+)"
    r"|(?P<numbers>forwarding-number)|(?P<hours>business-hours))"
    rf"|{_V2}(?:(?P<states>states|voice/state-rules)"
    r"|(?P<state>states/[a-z-]+|voice/state-rules/[a-z-]+))"
)
# The query parameters each route reads; any other one sends the request the full way.
QUERIES: dict[str, frozenset[str]] = {
    "rule": frozenset({"showInactiveNumbers"}),
    "numbers": frozenset({"page", "perPage"}),
    "hours": frozenset(),
    "states": frozenset({"page", "perPage"}),
    "state": frozenset(),
}
# Request headers these routes do not read (or that the server has already turned into
# the scope): any other header sends the request the full way.
IGNORED_HEADERS = frozenset(
    {
        b"host",
        b"authorization",
        b"cache-control",
        b"user-agent",
        b"accept",
        b"accept-encoding",
        b"accept-language",
        b"connection",
        b"x-forwarded-for",
        b"x-forwarded-proto",
    }
)
# Headers whose value changes the answer.
_READ_ONCE = frozenset({b"host", b"authorization", b"cache-control"})
# Added per request by the rate limiter: never part of a kept answer.
_PER_REQUEST = frozenset(name.lower().encode() for name in (*VERDICT_HEADERS, RETRY_AFTER))


@dataclass(frozen=True)
class Answer:
    """A kept 200: its headers (without rate-limit ones) and body."""

    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes


@dataclass
class FastReadCounts:
    """How many hot GETs were answered from memory, and how many went the full way."""

    answered: int = 0
    passed: int = 0


@dataclass(frozen=True)
class Caller:
    token: str
    host: bytes
    headers: dict[bytes, bytes]


class Question(Protocol):
    """What a request answered from memory asks: with whose token, and the key of its
    answer for the principal the token names."""

    @property
    def token(self) -> str: ...

    def key(self, principal: Principal) -> tuple[Hashable, ...]: ...


@dataclass(frozen=True)
class _Question:
    token: str
    place: tuple[Hashable, ...]

    def key(self, principal: Principal) -> tuple[Hashable, ...]:
        return ("response", principal.extension_id, principal.is_admin, *self.place)


def caller_of(scope: Scope, read: frozenset[bytes] = frozenset()) -> Caller | None:
    """The token and Host of a request none of whose headers is unusual (only the
    ignored ones and those named in ``read``, each at most once), nor asks for a fresh
    answer; the values of the ``read`` headers come with them."""
    token = host = None
    values: dict[bytes, bytes] = {}
    for raw_name, value in scope["headers"]:
        name = raw_name.lower()
        if (name not in IGNORED_HEADERS and name not in read) or name in values:
            return None  # unknown, or twice where the full path reads only the first
        if name in _READ_ONCE or name in read:
            values[name] = value
        if name == b"authorization":
            token = token_of_header(value.decode("latin-1"))
        elif name == b"host":
            host = value
        elif name == b"cache-control" and wants_fresh_header(value.decode("latin-1")):
            return None
    if token is None or host is None:
        return None
    return Caller(token, host, values)


def place_of(scope: Scope, caller: Caller) -> tuple[Hashable, ...]:
    """Where an answer was asked for: the links in it are built on it."""
    path, query = scope["path"], scope.get("query_string", b"")
    return (path, query, caller.host, scope["scheme"], scope.get("root_path", ""))


def _question(scope: Scope) -> _Question | None:
    """What a GET asks, when it is one answered here and nothing about it is unusual."""
    path: str = scope["path"]
    found = PATHS.fullmatch(path)
    if found is None:
        return None
    raw_path = scope.get("raw_path")
    if raw_path is not None and raw_path != path.encode():
        return None  # percent-encoded: left to the router
    query: bytes = scope.get("query_string", b"")
    if query:
        names = {name for name, _ in parse_qsl(query.decode("latin-1"), keep_blank_values=True)}
        if not names <= QUERIES[str(found.lastgroup)]:
            return None
    caller = caller_of(scope)
    if caller is None:
        return None
    return _Question(caller.token, place_of(scope, caller))


class FastReads:
    """Answers the hot GETs from memory when it can; everything else passes through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        question = None
        if scope["type"] == "http" and scope["method"] == "GET":
            state = scope["app"].state
            question = _question(scope) if state.fast_reads else None
        if question is None:
            await self.app(scope, receive, send)
            return
        await self.from_memory(scope, receive, send, question)

    async def from_memory(
        self, scope: Scope, receive: Receive, send: Send, question: Question
    ) -> None:
        """The kept answer to ``question`` while it is current, else the full
        application's (kept when it is a complete 200)."""
        state = scope["app"].state
        db = state.db
        # Taken before anything is read: a change committed meanwhile makes what is kept
        # from this request stale at once. Both stamps come from one read of the shared
        # mark, the only system call an answer from memory makes.
        stamp, structure = db.changes.stamps()
        if stamp is None:
            await self.app(scope, receive, send)
            return
        principal = principal_under(db, structure, hash_token(question.token), time.time())
        if principal is not None:
            found, answer = read_model(db).get(principal.account_id, question.key(principal), stamp)
            if found:
                state.fast_read_counts.answered += 1
                await self._answer(scope, principal, answer, send)
                return
        state.fast_read_counts.passed += 1
        await self._through(scope, receive, send, question, stamp)

    async def _answer(self, scope: Scope, principal: Principal, answer: Answer, send: Send) -> None:
        added = await spend_known_caller(scope, principal, send)
        if added is None:
            return  # refused: the 429 is sent
        headers = [*answer.headers, *added]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": answer.body})

    async def _through(
        self, scope: Scope, receive: Receive, send: Send, question: Question, stamp: Hashable
    ) -> None:
        """The full application's answer, kept when it is a complete 200."""
        start: dict[str, Any] = {}
        chunks: list[bytes] = []
        complete = False

        async def keeping(message: Message) -> None:
            nonlocal complete
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                complete = not message.get("more_body", False)
            await send(message)

        await self.app(scope, receive, keeping)
        principal = scope.get("state", {}).get("principal")
        if not complete or start.get("status") != 200 or not isinstance(principal, Principal):
            return
        headers = tuple(
            (name, value) for name, value in start.get("headers", ()) if name not in _PER_REQUEST
        )
        answer = Answer(headers, b"".join(chunks))
        read_model(scope["app"].state.db).put(
            principal.account_id, question.key(principal), stamp, answer
        )
