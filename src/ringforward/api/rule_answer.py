"""The answer with one rule and the condition a rule's write takes, shared by the rule
routes (``api/routes/answering_rule.py``) and the PUT in front of the router
(``api/fast_writes.py``), so that both answer with the same bytes."""

from __future__ import annotations

from typing import Any

from fastapi import Response
from starlette.types import Scope

from ringforward.api.deps import base_url_of, extensions_on
from ringforward.api.render import rule_json
from ringforward.json_text import json_bytes
from ringforward.service.answering_rules import RuleView
from ringforward.service.rules_store import etag_of


def rule_response(scope: Scope, view: RuleView, *, show_inactive: bool = False) -> Response:
    """The answer with one rule."""
    body = rule_json(
        base_url_of(scope),
        view.target.extension,
        view.rule,
        view.numbers,
        show_inactive=show_inactive,
    )
    headers = {"ETag": etag_of(view.rule)} if extensions_on(scope["app"]) else {}
    return Response(json_bytes(body), headers=headers, media_type="application/json")


def if_match_of(app: Any, header: str | None) -> str | None:
    """The ``If-Match`` header a write is conditional on; none in strict mode."""
    return header if extensions_on(app) else None
