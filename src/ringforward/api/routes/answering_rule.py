"""Answering rules: list, create custom, read, update (merge or JSON Patch), delete custom."""

from __future__ import annotations

from typing import Any

import jsonpatch
from fastapi import Depends, Request, Response

from ringforward.api.body import read_json, read_json_value
from ringforward.api.deps import (
    BaseUrl,
    Paging,
    base_url,
    extension_router,
    extensions_enabled,
    principal,
    query_flag,
    wants_fresh,
)
from ringforward.api.errors import HttpError
from ringforward.api.extension_call import Ext, extension_page
from ringforward.api.render import rule_json
from ringforward.api.routes.generation_guard import legacy_only
from ringforward.api.rule_answer import if_match_of, rule_response
from ringforward.domain.errors import ConflictError, invalid
from ringforward.domain.model import RULE_TYPES, AnsweringRule
from ringforward.service import answering_rules as use_cases
from ringforward.service.answering_rules import RuleFilter, RuleView

# v1.0 answering rules exist only on legacy accounts; the guard authenticates first.
router = extension_router("answering-rule", Depends(legacy_only))
JSON_PATCH = "application/json-patch+json"


def _json_patch_allowed(request: Request) -> None:
    # Checked before the token, as a method the server does not have.
    if not extensions_enabled(request):
        raise HttpError(405, "Method not allowed", code="CMN-405")


patch_router = extension_router(
    "answering-rule", Depends(_json_patch_allowed), Depends(principal), Depends(legacy_only)
)


@router.get("")
async def list_rules(request: Request, ext: Ext, page: Paging) -> dict[str, Any]:
    types = tuple(request.query_params.getlist("type"))
    for rule_type in types:
        if rule_type not in RULE_TYPES:
            raise invalid("type", f"must be one of {', '.join(RULE_TYPES)}")
    view = request.query_params.get("view", "Simple")
    if view not in ("Simple", "Detailed"):
        raise invalid("view", "must be Simple or Detailed")
    rule_filter = RuleFilter(types=types, enabled_only=query_flag(request, "enabledOnly"))
    listed = await use_cases.list_rules(ext, rule_filter)
    base = base_url(request)
    extension = listed.target.extension

    def render(rule: AnsweringRule) -> dict[str, Any]:
        return rule_json(base, extension, rule, listed.numbers, detailed=view == "Detailed")

    return extension_page(request, page, base, extension, "answering-rule", listed.rules, render)


@router.post("")
async def create_rule(request: Request, ext: Ext) -> Response:
    body = await read_json(request)
    return rule_response(request.scope, await use_cases.create_custom_rule(ext, body))


@router.get("/{ruleId}")
async def read_rule(request: Request, ext: Ext, ruleId: str) -> Response:
    show_inactive = query_flag(request, "showInactiveNumbers")
    view = await use_cases.get_rule(ext, ruleId, fresh=wants_fresh(request))
    return rule_response(request.scope, view, show_inactive=show_inactive)


@router.put("/{ruleId}")
async def update_rule(request: Request, ext: Ext, ruleId: str) -> Response:
    body = await read_json(request)
    if_match = if_match_of(request.app, request.headers.get("if-match"))
    view = await use_cases.update_rule(ext, ruleId, body, if_match=if_match)
    return rule_response(request.scope, view, show_inactive=bool(body.get("showInactiveNumbers")))


@patch_router.patch("/{ruleId}")
async def patch_rule(request: Request, ext: Ext, ruleId: str, base: BaseUrl) -> Response:
    """RFC 6902 JSON Patch over the rule's JSON, applied and saved in one transaction."""
    operations = await read_json_value(request, media_types=(JSON_PATCH,))
    if not isinstance(operations, list):
        raise invalid("body", "a JSON Patch document is an array of operations")
    try:
        patch = jsonpatch.JsonPatch(operations)
    except (
        jsonpatch.InvalidJsonPatch,
        jsonpatch.JsonPointerException,  # a path that is not a JSON Pointer, e.g. "d"
        TypeError,
        AttributeError,
    ) as error:
        raise invalid("body", f"not a valid JSON Patch: {error}") from error

    def patched_body(view: RuleView) -> dict[str, Any]:
        document = rule_json(base, view.target.extension, view.rule, view.numbers)
        try:
            result = patch.apply(document)
        except jsonpatch.JsonPatchTestFailed as error:
            raise ConflictError(
                f"JSON Patch test failed: {error}", parameter_name="body"
            ) from error
        except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException) as error:
            raise invalid("body", f"JSON Patch cannot be applied: {error}") from error
        if not isinstance(result, dict):
            raise invalid("body", "the patched rule must stay a JSON object")
        return result

    if_match = if_match_of(request.app, request.headers.get("if-match"))
    view = await use_cases.update_rule_with(ext, ruleId, patched_body, if_match=if_match)
    return rule_response(request.scope, view)


@router.delete("/{ruleId}")
async def delete_rule(request: Request, ext: Ext, ruleId: str) -> Response:
    if_match = if_match_of(request.app, request.headers.get("if-match"))
    await use_cases.delete_rule(ext, ruleId, if_match=if_match)
    return Response(status_code=204)
