"""The PUT of an answering rule in front of FastAPI's router.

``PUT /restapi/v1.0/account/{accountId}/extension/{extensionId}/answering-rule/{ruleId}``
is what clients write most. When nothing about the request is unusual it is answered
here, inside the rate limiter (which counts it as any other request) and in front of the
rest: no routing, no dependencies, no second parse of the body to look for unstorable
text. The steps are the full path's own, called from here: the token through the
principal cache (``principal_under``), the account's generation as the route's
guard keeps it, the body parsed as ``api/body.py`` parses it, the same use case
(``update_rule_remembered``: same schema check, permission rule, If-Match rule, merge,
save and audit record, in the same write group) and the same response
(``api/rule_answer.rule_response``, the routes' own).

Everything else goes to the full application unchanged, so every error is answered
there, exactly as before: another method or path, a query string, an encoded path, a
header the fast GETs would not take (besides the body's and ``If-Match``), a body not
declared by length as ``application/json``, one that is not a JSON object or holds text
no database can store, a token not in the principal cache, an account whose generation
is not known from memory (or not the legacy one), and any refusal of the use case: its
write group is left as it was, and the full application runs the request again.
"""

from __future__ import annotations

import re
import time

from starlette.types import ASGIApp, Receive, Scope, Send

from ringforward.api.body import parse_json
from ringforward.api.buffered_body import read_ahead
from ringforward.api.errors import HttpError
from ringforward.api.fast_reads import caller_of
from ringforward.api.fast_simulate import declares_json
from ringforward.api.rule_answer import if_match_of, rule_response
from ringforward.api.text_guard import unstorable_json
from ringforward.domain.comm_handling.model import LEGACY
from ringforward.domain.errors import DomainError
from ringforward.service.access import CURRENT
from ringforward.service.answering_rules import update_rule_remembered
from ringforward.service.auth import principal_under
from ringforward.service.comm_generation import generation_under
from ringforward.service.scope import ExtensionCall
from ringforward.service.secrets import hash_token

RULE_PUT = re.compile(
    r"/restapi/v1\.0/account/(?P<account>~|[0-9]+)/extension/(?P<extension>~|[0-9]+)"
    r"/answering-rule/(?P<rule>[A-Za-z0-9-]+)"
)
_READ_HEADERS = frozenset({b"content-type", b"content-length", b"if-match"})


class FastWrites:
    """Answers plain PUTs of a rule here when it can; everything else passes through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = _plain_put(scope)
        if found is not None:
            counts = scope["app"].state.fast_write_counts
            body, receive = await read_ahead(scope, receive)
            if body is not None and await self._answered(scope, send, found, body):
                counts.answered += 1
                return
            counts.passed += 1
        await self.app(scope, receive, send)

    async def _answered(self, scope: Scope, send: Send, found: re.Match[str], body: bytes) -> bool:
        """Whether the update was made and answered here."""
        caller = caller_of(scope, _READ_HEADERS)
        if caller is None or not declares_json(caller.headers):
            return False
        try:
            value = parse_json(body)
        except HttpError:
            return False
        if not isinstance(value, dict) or unstorable_json(body, value) is not None:
            return False
        db = scope["app"].state.db
        # One read of the structure stamp for both: nothing is awaited in between.
        structure = db.changes.structure_stamp()
        principal = principal_under(db, structure, hash_token(caller.token), time.time())
        account = found["account"]
        if principal is None or account not in (CURRENT, principal.account_id):
            return False
        if generation_under(db, structure, principal.account_id) != LEGACY:
            return False
        if_match = caller.headers.get(b"if-match")
        ext = ExtensionCall(db, principal, account, found["extension"])
        try:
            view = await update_rule_remembered(
                ext,
                found["rule"],
                value,
                if_match=if_match_of(scope["app"], _text(if_match)),
            )
        except DomainError:
            return False  # nothing written: the full application answers it
        response = rule_response(scope, view, show_inactive=bool(value.get("showInactiveNumbers")))
        await response(scope, _no_receive, send)
        return True


def _text(header: bytes | None) -> str | None:
    return header.decode("latin-1") if header is not None else None


def _plain_put(scope: Scope) -> re.Match[str] | None:
    if scope["type"] != "http" or scope["method"] != "PUT" or scope.get("query_string"):
        return None
    if not scope["app"].state.fast_reads:
        return None
    path: str = scope["path"]
    if scope.get("raw_path") not in (None, path.encode()):
        return None
    return RULE_PUT.fullmatch(path)


async def _no_receive() -> dict[str, str]:
    # A response reads nothing more; a disconnect is all it could be told.
    return {"type": "http.disconnect"}
