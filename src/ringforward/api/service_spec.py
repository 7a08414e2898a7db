"""The OpenAPI document the service publishes: RingCentral's subset plus our extensions."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from ringforward.api.paths import EXTENSION, HOURS, NUMBER, RULE, V2
from ringforward.api.spec import ringcentral_subset
from ringforward.api.spec_errors import publish_errors

HISTORY = f"{RULE}/history"
REVERT = f"{HISTORY}/{{version}}/revert"
NUMBER_HISTORY = f"{NUMBER}/history"
NUMBER_REVERT = f"{NUMBER_HISTORY}/{{version}}/revert"
HOURS_HISTORY = f"{HOURS}/history"
HOURS_REVERT = f"{HOURS_HISTORY}/{{version}}/revert"
SIMULATE = f"{EXTENSION}/call-flow/simulate"
STATE_HISTORY = f"{V2}/states/{{stateId}}/history"
STATE_REVERT = f"{STATE_HISTORY}/{{version}}/revert"
STATE_RULE_HISTORY = f"{V2}/voice/state-rules/{{stateId}}/history"
STATE_RULE_REVERT = f"{STATE_RULE_HISTORY}/{{version}}/revert"
INTERACTION_RULE_HISTORY = f"{V2}/voice/interaction-rules/{{ruleId}}/history"
INTERACTION_RULE_REVERT = f"{INTERACTION_RULE_HISTORY}/{{version}}/revert"
# Throttling groups of our own operations (RingCentral's habit: reads Light, writes Medium).
EXTENSION_GROUPS = {
    ("patch", RULE): "Medium",
    ("get", HISTORY): "Light",
    ("post", REVERT): "Medium",
    ("get", NUMBER_HISTORY): "Light",
    ("post", NUMBER_REVERT): "Medium",
    ("get", HOURS_HISTORY): "Light",
    ("post", HOURS_REVERT): "Medium",
    ("post", SIMULATE): "Light",
    ("get", STATE_HISTORY): "Light",
    ("post", STATE_REVERT): "Medium",
    ("get", STATE_RULE_HISTORY): "Light",
    ("post", STATE_RULE_REVERT): "Medium",
    ("get", INTERACTION_RULE_HISTORY): "Light",
    ("post", INTERACTION_RULE_REVERT): "Medium",
}


def _ref(kind: str, name: str) -> dict[str, str]:
    return {"$ref": f"#/components/{kind}/{name}"}


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    # OpenAPI 3.0 has no "null" type: a nullable reference is spelled with allOf.
    return {"allOf": [schema], "nullable": True}


def _change_schema(
    what: str, schema: str | dict[str, Any], actor: str = "AnsweringRuleChangeActor"
) -> dict[str, Any]:
    document = _ref("schemas", schema) if isinstance(schema, str) else schema
    return {
        "type": "object",
        "description": f"One change of {what}, as recorded in the audit trail.",
        "required": ["version", "at", "actor", "before", "after"],
        "properties": {
            "version": {"type": "integer", "minimum": 1, "description": "Version it made."},
            "at": {"type": "string", "format": "date-time"},
            "actor": _ref("schemas", actor),
            "before": _nullable(document),
            "after": _nullable(document),
        },
    }


def _comm_change_schema(what: str, schema: dict[str, Any]) -> dict[str, Any]:
    return _change_schema(what, schema, "CommChangeActor")


def _comm_history_schema(change: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["records", "paging"],
        "properties": {
            "records": {"type": "array", "items": _ref("schemas", change)},
            "paging": _ref("schemas", "EnumeratedPagingModel"),
        },
    }


def _history_schema(change: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["uri", "records", "paging", "navigation"],
        "properties": {
            "uri": {"type": "string", "format": "uri"},
            "records": {"type": "array", "items": _ref("schemas", change)},
            "paging": _ref("schemas", "EnumeratedPagingModel"),
            "navigation": _ref("schemas", "PageNavigationModel"),
        },
    }


_SCHEMAS: dict[str, Any] = {
    "JsonPatchOperation": {
        "type": "object",
        "description": "One RFC 6902 operation.",
        "required": ["op", "path"],
        "properties": {
            "op": {
                "type": "string",
                "enum": ["add", "remove", "replace", "move", "copy", "test"],
            },
            "path": {"type": "string"},
            "from": {"type": "string"},
            "value": {},
        },
    },
    "AnsweringRuleChangeActor": {
        "type": "object",
        "description": "The extension that made the change.",
        "required": ["id", "uri"],
        "properties": {
            "id": {"type": "string"},
            "uri": {"type": "string", "format": "uri"},
            "extensionNumber": {"type": "string"},
            "name": {"type": "string"},
        },
    },
    "AnsweringRuleChange": {
        "type": "object",
        "description": "One change of an answering rule, as recorded in the audit trail.",
        "required": ["version", "at", "actor", "before", "after"],
        "properties": {
            "version": {"type": "integer", "minimum": 1, "description": "Version it made."},
            "at": {"type": "string", "format": "date-time"},
            "actor": _ref("schemas", "AnsweringRuleChangeActor"),
            "before": _nullable(_ref("schemas", "CallHandlingRuleInfo")),
            "after": _nullable(_ref("schemas", "CallHandlingRuleInfo")),
        },
    },
    "AnsweringRuleHistory": _history_schema("AnsweringRuleChange"),
    "ForwardingNumberChange": _change_schema("a forwarding number", "ForwardingNumberInfo"),
    "ForwardingNumberHistory": _history_schema("ForwardingNumberChange"),
    "BusinessHoursChange": _change_schema("business hours", "GetUserBusinessHoursResponse"),
    "BusinessHoursHistory": _history_schema("BusinessHoursChange"),
    "CommChangeActor": {
        "type": "object",
        "description": "The extension that made the change.",
        "required": ["id"],
        "properties": {"id": {"type": "string"}},
    },
    "CommStateChange": _comm_change_schema("a state", _ref("schemas", "CommStateResource")),
    "CommStateHistory": _comm_history_schema("CommStateChange"),
    "CommStateRuleChange": _comm_change_schema(
        "a state rule",
        {
            "type": "object",
            "required": ["dispatching"],
            "properties": {"dispatching": _ref("schemas", "CommStateDispatchingResource")},
        },
    ),
    "CommStateRuleHistory": _comm_history_schema("CommStateRuleChange"),
    "CommInteractionRuleRecord": {
        "type": "object",
        "description": (
            "An interaction rule as it was stored: as CommInteractionRuleResource, except "
            "that a State condition names its state by id only."
        ),
        "required": ["id", "displayName", "enabled", "conditions", "dispatching"],
        "properties": {
            "id": {"type": "string"},
            "displayName": {"type": "string"},
            "enabled": {"type": "boolean"},
            "conditions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["type"],
                    "properties": {
                        "type": {"type": "string", "enum": ["Interaction", "Schedule", "State"]}
                    },
                },
            },
            "dispatching": _ref("schemas", "CommInteractionDispatchingResource"),
        },
    },
    "CommInteractionRuleChange": _comm_change_schema(
        "an interaction rule", _ref("schemas", "CommInteractionRuleRecord")
    ),
    "CommInteractionRuleHistory": _comm_history_schema("CommInteractionRuleChange"),
    "CallFlowRequest": {
        "type": "object",
        "description": "The call to simulate; every field is optional (`at` defaults to now).",
        "properties": {
            "at": {"type": "string", "format": "date-time"},
            "from": {"type": "string", "description": "Caller number, E.164."},
            "to": {"type": "string", "description": "Called number, E.164."},
        },
    },
    "CallFlowRuleRef": {
        "type": "object",
        "required": ["id", "type", "name"],
        "properties": {
            "id": {"type": "string"},
            # The last two answer on enhanced (v2) extensions.
            "type": {
                "type": "string",
                "enum": ["BusinessHours", "AfterHours", "Custom", "StateRule", "InteractionRule"],
            },
            "name": {"type": "string"},
        },
    },
    "CallFlowStep": {
        "type": "object",
        "required": ["start", "end", "group", "ring"],
        "properties": {
            "start": {"type": "integer", "minimum": 0},
            "end": {"type": "integer", "minimum": 0},
            "group": {"type": "integer", "minimum": 1, "nullable": True},
            "ring": {"type": "array", "items": {"type": "string"}},
        },
    },
    "CallFlowEnding": {
        "type": "object",
        "required": ["action", "at"],
        "properties": {
            "action": {
                "type": "string",
                "enum": ["Voicemail", "Disconnect", "Announcement", "Forward", "Transfer"],
            },
            "at": {"type": "integer", "minimum": 0},
            "target": {"type": "string", "nullable": True},
        },
    },
    "CallFlowSimulation": {
        "type": "object",
        "description": "Which rule answers the call, who rings from which second, and the end.",
        "required": ["rule", "action", "steps", "then"],
        "properties": {
            "rule": _ref("schemas", "CallFlowRuleRef"),
            "action": {"type": "string"},
            "steps": {"type": "array", "items": _ref("schemas", "CallFlowStep")},
            "then": _ref("schemas", "CallFlowEnding"),
            "extension": {"type": "string", "description": "The extension called."},
            "timeZone": {"type": "string"},
            "localTime": {"type": "string", "format": "date-time"},
            "transfers": {
                "type": "array",
                "description": "Each extension the call was handed over to, in order.",
                "items": _ref("schemas", "CallFlowTransfer"),
            },
            "loop": {
                "type": "array",
                "nullable": True,
                "description": "The extensions of a transfer loop, the repeated one last.",
                "items": {"type": "string"},
            },
        },
    },
    "CallFlowTransfer": {
        "type": "object",
        "required": ["extension", "at", "rule", "action"],
        "properties": {
            "extension": {"type": "string"},
            "at": {"type": "integer", "minimum": 0},
            "rule": _ref("schemas", "CallFlowRuleRef"),
            "action": {"type": "string"},
        },
    },
}


def _responses(ok: dict[str, Any]) -> dict[str, Any]:
    # The refusals are added for every operation alike, by spec_errors.publish_errors.
    return {"200": ok}


def _operation(
    operation_id: str, summary: str, parameters: list[dict[str, Any]], **rest: Any
) -> dict[str, Any]:
    return {
        "operationId": operation_id,
        "summary": summary,
        "tags": ["ringforward extensions"],
        "parameters": parameters,
        **rest,
    }


_IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": False,
    "description": "The rule's `ETag`; the change is refused with 412 when it is stale.",
    "schema": {"type": "string"},
}
_VERSION = {
    "name": "version",
    "in": "path",
    "required": True,
    "description": "The version a change made (see the history's `version`).",
    "schema": {"type": "integer", "minimum": 1},
}
_EXTENSION_PARAMS = [_ref("parameters", "AccountId"), _ref("parameters", "ExtensionId")]
_RULE_PARAMS = [*_EXTENSION_PARAMS, _ref("parameters", "CallHandlingRuleId")]
_RULE_OK = _json(_ref("schemas", "CallHandlingRuleInfo"))
_NUMBER_PARAMS = [*_EXTENSION_PARAMS, _ref("parameters", "ForwardingNumberId")]
_PAGING = [_ref("parameters", "Page"), _ref("parameters", "PerPage")]


_STATE_RULE_PARAMS = [*_EXTENSION_PARAMS, _ref("parameters", "CommStateId")]
_STATE_UPDATE_PARAMS = [*_EXTENSION_PARAMS, _ref("parameters", "CommUpdateStateId")]
_INTERACTION_RULE_PARAMS = [*_EXTENSION_PARAMS, _ref("parameters", "CommRuleId")]
_V2_IF_MATCH = {**_IF_MATCH, "description": "The resource's `ETag`; 412 when it is stale."}


@dataclass(frozen=True)
class _CommHistory:
    """History and revert of one kind of v2 resource."""

    what: str
    names: tuple[str, str]  # operationIds: list, revert
    paths: tuple[str, str]
    params: tuple[list[dict[str, Any]], list[dict[str, Any]]]
    schemas: tuple[str, str]  # the history, the resource a revert answers


_COMM_HISTORIES = (
    _CommHistory(
        "a state",
        ("listCicStateHistory", "revertCicStateChange"),
        (STATE_HISTORY, STATE_REVERT),
        (_STATE_RULE_PARAMS, _STATE_UPDATE_PARAMS),
        ("CommStateHistory", "CommStateResource"),
    ),
    _CommHistory(
        "a state rule",
        ("listVoiceStateBasedRuleHistory", "revertVoiceStateBasedRuleChange"),
        (STATE_RULE_HISTORY, STATE_RULE_REVERT),
        (_STATE_RULE_PARAMS, _STATE_RULE_PARAMS),
        ("CommStateRuleHistory", "CommStateBasedRuleResource"),
    ),
    _CommHistory(
        "an interaction rule",
        ("listVoiceInteractionRuleHistory", "revertVoiceInteractionRuleChange"),
        (INTERACTION_RULE_HISTORY, INTERACTION_RULE_REVERT),
        (_INTERACTION_RULE_PARAMS, _INTERACTION_RULE_PARAMS),
        ("CommInteractionRuleHistory", "CommInteractionRuleResource"),
    ),
)


def _comm_history_paths() -> dict[tuple[str, str], dict[str, Any]]:
    """History and revert of v2 states, state rules and interaction rules."""
    operations: dict[tuple[str, str], dict[str, Any]] = {}
    for kind in _COMM_HISTORIES:
        operations[("get", kind.paths[0])] = _operation(
            kind.names[0],
            f"The changes of {kind.what}, newest first",
            [*kind.params[0], *_PAGING],
            responses=_responses(_json(_ref("schemas", kind.schemas[0]))),
        )
        operations[("post", kind.paths[1])] = _operation(
            kind.names[1],
            f"Restore the {kind.what.split(' ', 1)[1]} as it was before a change, as a new change",
            [*kind.params[1], _VERSION, _V2_IF_MATCH],
            responses=_responses(_json(_ref("schemas", kind.schemas[1]))),
        )
    return operations


def _extension_paths() -> dict[tuple[str, str], dict[str, Any]]:
    return {
        **_comm_history_paths(),
        ("patch", RULE): _operation(
            "patchAnsweringRule",
            "Change an answering rule with an RFC 6902 JSON Patch",
            [*_RULE_PARAMS, _IF_MATCH],
            requestBody={
                "required": True,
                "content": {
                    "application/json-patch+json": {
                        "schema": {"type": "array", "items": _ref("schemas", "JsonPatchOperation")}
                    }
                },
            },
            responses=_responses(_RULE_OK),
        ),
        ("get", HISTORY): _operation(
            "listAnsweringRuleHistory",
            "The changes of an answering rule, newest first",
            [*_RULE_PARAMS, _ref("parameters", "Page"), _ref("parameters", "PerPage")],
            responses=_responses(_json(_ref("schemas", "AnsweringRuleHistory"))),
        ),
        ("post", REVERT): _operation(
            "revertAnsweringRuleChange",
            "Restore the rule as it was before a change, as a new change",
            [*_RULE_PARAMS, _VERSION, _IF_MATCH],
            responses=_responses(_RULE_OK),
        ),
        ("get", NUMBER_HISTORY): _operation(
            "listForwardingNumberHistory",
            "The changes of a forwarding number, newest first (also of a deleted one)",
            [*_NUMBER_PARAMS, *_PAGING],
            responses=_responses(_json(_ref("schemas", "ForwardingNumberHistory"))),
        ),
        ("post", NUMBER_REVERT): _operation(
            "revertForwardingNumberChange",
            "Restore the number as it was before a change (a deleted one under its id)",
            [*_NUMBER_PARAMS, _VERSION],
            responses=_responses(_json(_ref("schemas", "ForwardingNumberInfo"))),
        ),
        ("get", HOURS_HISTORY): _operation(
            "listBusinessHoursHistory",
            "The changes of an extension's business hours, newest first",
            [*_EXTENSION_PARAMS, *_PAGING],
            responses=_responses(_json(_ref("schemas", "BusinessHoursHistory"))),
        ),
        ("post", HOURS_REVERT): _operation(
            "revertBusinessHoursChange",
            "Restore the business hours as they were before a change",
            [*_EXTENSION_PARAMS, _VERSION],
            responses=_responses(_json(_ref("schemas", "GetUserBusinessHoursResponse"))),
        ),
        ("post", SIMULATE): _operation(
            "simulateCallFlow",
            "Which rule answers a call and who rings when",
            _EXTENSION_PARAMS,
            requestBody={
                "required": False,
                "content": {"application/json": {"schema": _ref("schemas", "CallFlowRequest")}},
            },
            responses=_responses(_json(_ref("schemas", "CallFlowSimulation"))),
        ),
    }


@cache
def _full_document() -> dict[str, Any]:
    document = copy.deepcopy(ringcentral_subset())
    document["info"] = {
        **document.get("info", {}),
        "title": "ringforward",
        "description": (
            "RingCentral's operations that ringforward implements, with RingCentral's own "
            "schemas, plus ringforward's optional extensions (tagged 'ringforward "
            "extensions'; absent under --strict-ringcentral)."
        ),
    }
    components = document["components"]
    components["schemas"].update(copy.deepcopy(_SCHEMAS))
    for (method, path), operation in _extension_paths().items():
        operation["x-throttling-group"] = EXTENSION_GROUPS[(method, path)]
        document["paths"].setdefault(path, {})[method] = operation
    publish_errors(document, strict=False)
    return document


@cache
def _strict_document() -> dict[str, Any]:
    document = copy.deepcopy(ringcentral_subset())
    publish_errors(document, strict=True)
    return document


def service_document(*, strict: bool = False) -> dict[str, Any]:
    """What ``GET /restapi/openapi.json`` serves (only RingCentral's operations when strict)."""
    return _strict_document() if strict else _full_document()


@dataclass(frozen=True)
class Route:
    """One documented operation, matched by method and a compiled path template."""

    method: str
    pattern: re.Pattern[str]
    group: str


def _compile(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    regex = "".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts)
    return re.compile(f"^{regex}/?$")


@cache
def throttled_routes() -> tuple[Route, ...]:
    """Every operation of the full document with its ``x-throttling-group``."""
    routes: list[Route] = []
    for path, operations in _full_document()["paths"].items():
        for method, operation in operations.items():
            if isinstance(operation, dict) and "x-throttling-group" in operation:
                group = operation["x-throttling-group"]
                routes.append(Route(method.upper(), _compile(path), group))
    return tuple(routes)


def throttling_group(method: str, path: str) -> str | None:
    """The documented group of ``method path``, or None when no operation matches it."""
    for route in throttled_routes():
        if route.method == method.upper() and route.pattern.match(path):
            return route.group
    return None
