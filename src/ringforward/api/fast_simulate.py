"""Call-flow simulations answered from memory in front of FastAPI's router.

``POST …/extension/{extensionId}/call-flow/simulate`` changes nothing, and its answer is
fixed by what it reads (kept under the change stamp like every read here) and by its
body. Once the full application has answered a simulation with a 200, the answer's bytes
and headers are kept in the read model, as ``api/fast_reads.py`` keeps the hot GETs,
under who asked, where, and the call the body describes: ``at``, ``from`` and ``to`` as
the route reads them (``simulation_fields``), so bodies that differ only in spacing or
order share one answer. Kept answers count towards the account's bound in the read model.

Only a call whose moment the body gives is kept: without ``at`` (or with an empty one)
the call happens *now*, and its answer changes with the clock (a schedule's boundary, a
time-zone change), so such a simulation always goes the full way. So does anything
unusual: a body that is not a JSON object of string ``at``, ``from`` and ``to`` alone
(another field, a number, invalid UTF-8), one not declared by ``Content-Length`` or not
``application/json``, a query string, any header the fast GETs would not take, and
``Cache-Control: no-cache``. Errors are never kept, so every error is the full
application's. Tokens, rate limits and staleness are handled as for the fast GETs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Hashable
from dataclasses import dataclass

from starlette.types import Receive, Scope, Send

from ringforward.api.buffered_body import read_ahead
from ringforward.api.fast_reads import Caller, FastReads, caller_of, place_of
from ringforward.api.routes.callflow import FIELDS, simulation_fields
from ringforward.domain.errors import DomainError
from ringforward.service.access import Principal

SIMULATE = re.compile(
    r"/restapi/v1\.0/account/(?:~|[0-9]+)/extension/(?:~|[0-9]+)/call-flow/simulate"
)
_BODY_HEADERS = frozenset({b"content-type", b"content-length"})


@dataclass(frozen=True)
class _Simulation:
    token: str
    place: tuple[Hashable, ...]
    call: tuple[str | None, ...]

    def key(self, principal: Principal) -> tuple[Hashable, ...]:
        return ("simulation", principal.extension_id, principal.is_admin, *self.place, *self.call)


def declares_json(headers: dict[bytes, bytes]) -> bool:
    """A body declared by length, of the one media type the route reads."""
    length = headers.get(b"content-length", b"")
    media = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
    return length.isdigit() and int(length) > 0 and media == b"application/json"


def _fixed_call(body: bytes) -> tuple[str | None, ...] | None:
    """The call a body describes, when the body is plain and names its moment."""
    try:
        value = json.loads(body.decode("utf-8"))
        if not isinstance(value, dict) or not set(value) <= set(FIELDS):
            return None
        fields = simulation_fields(value)
    except (ValueError, RecursionError, DomainError):
        return None  # the full application answers the error
    if not fields["at"]:
        return None  # "now": not a fixed answer
    return tuple(fields[name] for name in FIELDS)


def _plain_caller(scope: Scope) -> Caller | None:
    """Who asks for a simulation with a JSON body, when nothing else about the request is
    unusual: no query, no percent-encoding, no header the fast GETs would not take."""
    if scope["type"] != "http" or scope["method"] != "POST" or not scope["app"].state.fast_reads:
        return None
    path: str = scope["path"]
    if not SIMULATE.fullmatch(path) or scope.get("query_string"):
        return None
    if scope.get("raw_path") not in (None, path.encode()):
        return None
    caller = caller_of(scope, _BODY_HEADERS)
    return caller if caller is not None and declares_json(caller.headers) else None


class FastSimulations(FastReads):
    """Answers repeated simulations from memory when it can; all else passes through."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        caller = _plain_caller(scope)
        if caller is None:
            await self.app(scope, receive, send)
            return
        body, receive = await read_ahead(scope, receive)
        call = _fixed_call(body) if body is not None else None
        if call is None:
            await self.app(scope, receive, send)
            return
        simulation = _Simulation(caller.token, place_of(scope, caller), call)
        await self.from_memory(scope, receive, send, simulation)
