"""The refusals each operation can give, as published in the service's OpenAPI document.

One table says, for every operation we serve, which of 400/401/403/404/409/412/415/429 it
can answer (429 once rate limits are on). The answers use RingCentral's own response
components from the vendored spec (``InvalidRequest``, ``Unauthorized``, ``Forbidden``,
``NotFound``, ``Conflict``, ``UnsupportedMediaType``, ``TooManyRequests``; the OAuth
operations keep their ``OauthInvalidRequest``), plus ``PreconditionFailed`` of our own,
RingCentral having no ``If-Match``.
"""

from __future__ import annotations

from typing import Any

from ringforward.api.paths import ACCOUNT, EXTENSION, HOURS, NUMBER, NUMBERS, RULE, RULES, V2

PUBLISHED = ("400", "401", "403", "404", "409", "412", "415", "429")
RESPONSE_NAMES = {
    "400": "InvalidRequest",
    "401": "Unauthorized",
    "403": "Forbidden",
    "404": "NotFound",
    "409": "Conflict",
    "412": "PreconditionFailed",
    "415": "UnsupportedMediaType",
    "429": "TooManyRequests",
}
# Statuses that exist only with our extensions (If-Match): absent under --strict-ringcentral.
EXTENSION_ONLY = frozenset({"412"})

PRECONDITION_FAILED = {
    "description": "`If-Match` names a version the resource has moved past (ringforward).",
    "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/ApiErrorResponseModel"}}
    },
}

# Why each can happen: 401 no valid token; 403 a user on a colleague's extension; 404 an
# id not found or of another account; 400 a bad query, path or body; 409 a number or flip
# digit already taken, or a failed JSON Patch ``test``; 412 a stale ``If-Match``; 415 a
# body of another media type; 429 a spent throttling group.
_READ = ("401", "403", "404", "429")
_PAGED = ("400", *_READ)
_WRITE = ("400", "401", "403", "404", "415", "429")


def _history(resource: str, *, revert: tuple[str, ...]) -> dict[tuple[str, str], tuple[str, ...]]:
    """Our extension's history of a resource (refused like a paged read: 400 a bad page)
    and its revert (400 a bad version, with what else ``revert`` adds)."""
    return {
        ("get", f"{resource}/history"): _PAGED,
        ("post", f"{resource}/history/{{version}}/revert"): revert,
    }


ERROR_STATUSES: dict[tuple[str, str], tuple[str, ...]] = {
    ("get", "/restapi"): (),
    ("post", "/restapi/oauth/token"): ("400", "401", "415", "429"),
    ("post", "/restapi/oauth/revoke"): ("400", "401", "415", "429"),
    ("get", ACCOUNT): ("401", "404", "429"),
    ("get", f"{ACCOUNT}/extension"): ("400", "401", "404", "429"),
    ("get", EXTENSION): _READ,
    ("get", NUMBERS): _PAGED,
    ("post", NUMBERS): (*_WRITE, "409"),
    ("delete", NUMBERS): _WRITE,
    ("get", NUMBER): _READ,
    ("put", NUMBER): (*_WRITE, "409"),
    ("delete", NUMBER): _READ,
    ("get", RULES): _PAGED,
    ("post", RULES): _WRITE,
    ("get", RULE): _PAGED,
    ("put", RULE): (*_WRITE, "412"),
    ("patch", RULE): (*_WRITE, "409", "412"),
    ("delete", RULE): (*_PAGED, "412"),
    ("get", HOURS): _READ,
    ("put", HOURS): _WRITE,
    **_history(RULE, revert=(*_PAGED, "412")),
    **_history(NUMBER, revert=(*_PAGED, "409")),
    **_history(HOURS, revert=_PAGED),
    ("post", f"{EXTENSION}/call-flow/simulate"): _WRITE,
    ("get", f"{EXTENSION}/device"): _PAGED,
    ("get", f"{ACCOUNT}/device/{{deviceId}}/sip-info"): _READ,
    ("get", f"{EXTENSION}/features"): _READ,
    # Enhanced call handling; on a legacy account every one of them is a 403.
    ("get", f"{V2}/states"): _PAGED,
    ("get", f"{V2}/states/{{stateId}}"): _READ,
    ("patch", f"{V2}/states/{{stateId}}"): _WRITE,
    ("get", f"{V2}/voice/state-rules"): _PAGED,
    ("get", f"{V2}/voice/state-rules/{{stateId}}"): _READ,
    ("patch", f"{V2}/voice/state-rules/{{stateId}}"): (*_WRITE, "412"),
    ("get", f"{V2}/voice/interaction-rules"): _PAGED,
    ("post", f"{V2}/voice/interaction-rules"): _WRITE,
    ("get", f"{V2}/voice/interaction-rules/{{ruleId}}"): _READ,
    ("patch", f"{V2}/voice/interaction-rules/{{ruleId}}"): (*_WRITE, "412"),
    ("delete", f"{V2}/voice/interaction-rules/{{ruleId}}"): (*_READ, "412"),
    ("get", f"{V2}/voice/forwarding-targets"): _PAGED,
    ("delete", f"{V2}/voice/forwarding-targets"): _WRITE,
    ("get", f"{V2}/voice/forwarding-targets/devices/{{deviceId}}/extensions"): _READ,
    # Our extension: history and revert of v2 states and rules.
    **_history(f"{V2}/states/{{stateId}}", revert=(*_PAGED, "412")),
    **_history(f"{V2}/voice/state-rules/{{stateId}}", revert=(*_PAGED, "412")),
    **_history(f"{V2}/voice/interaction-rules/{{ruleId}}", revert=(*_PAGED, "412")),
}


def error_statuses(
    method: str, path: str, operation: dict[str, Any], *, strict: bool
) -> tuple[str, ...]:
    """The refusals ``method path`` can give, from :data:`ERROR_STATUSES`.

    An operation missing from the table (tests/api/test_openapi_errors.py fails then) gets
    what every operation of its kind gives, plus the 400/409 its vendored spec lists,
    rather than stopping the server."""
    statuses = ERROR_STATUSES.get((method, path))
    if statuses is None:
        vendored = {"400", "409"} & set(operation.get("responses", {}))
        kind = {"401", "404", "429"} if path.startswith(ACCOUNT) else set()
        if "{extensionId}" in path:
            kind.add("403")
        if "requestBody" in operation:
            kind |= {"400", "415"}
        statuses = tuple(sorted(vendored | kind))
    return tuple(s for s in statuses if not (strict and s in EXTENSION_ONLY))


def publish_errors(document: dict[str, Any], *, strict: bool) -> None:
    """Set every operation's 4xx answers of :data:`PUBLISHED` to what it can really give,
    keeping an operation's own description of one where the vendored spec has it with a
    body schema."""
    if not strict:
        document["components"]["responses"].setdefault("PreconditionFailed", PRECONDITION_FAILED)
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses: dict[str, Any] = operation["responses"]
            given = error_statuses(method, path, operation, strict=strict)
            for status in PUBLISHED:
                if status not in given:
                    responses.pop(status, None)
                elif not _has_schema(responses.get(status)):
                    # Absent, or listed by the vendored spec without a body schema.
                    ref = f"#/components/responses/{RESPONSE_NAMES[status]}"
                    responses[status] = {"$ref": ref}
            operation["responses"] = dict(sorted(responses.items()))


def _has_schema(response: dict[str, Any] | None) -> bool:
    return response is not None and ("$ref" in response or "content" in response)
