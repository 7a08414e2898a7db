"""Bad requests: syntax, media type, size, types, enums, unknown ids — a 4xx body, never a 5xx."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.api.garbage import GARBAGE_OBJECTS, GARBAGE_RAW
from tests.support.rest import (
    DEMO_NUMBER_ID,
    HOURS_SPEC,
    NUMBER_SPEC,
    NUMBERS_SPEC,
    RULE_SPEC,
    RULES_SPEC,
    VIP_RULE_ID,
    assert_refused,
    create_custom_rule,
    create_number,
    fresh_number,
    hours_path,
    numbers_path,
    rules_path,
    unchanged,
)

MIB = 1024 * 1024
# Every write endpoint of the issue: (method, path, spec template, a body it would accept).
WRITES: list[tuple[str, str, str, dict[str, Any]]] = [
    ("POST", numbers_path(), NUMBERS_SPEC, {"phoneNumber": "+12125550123"}),
    ("PUT", f"{numbers_path()}/{DEMO_NUMBER_ID}", NUMBER_SPEC, {"label": "Renamed"}),
    ("DELETE", numbers_path(), NUMBERS_SPEC, {"records": [{"id": DEMO_NUMBER_ID}]}),
    (
        "POST",
        rules_path(),
        RULES_SPEC,
        {
            "type": "Custom",
            "name": "x",
            "callHandlingAction": "TakeMessagesOnly",
            "callers": [{"callerId": "+14155550100"}],
        },
    ),
    ("PUT", f"{rules_path()}/business-hours-rule", RULE_SPEC, {"enabled": False}),
    ("PUT", f"{rules_path()}/{VIP_RULE_ID}", RULE_SPEC, {"name": "VIP"}),
    ("PUT", hours_path(), HOURS_SPEC, {"schedule": {"weeklyRanges": {}}}),
]
WRITE_IDS = [f"{method} {path}" for method, path, _, _ in WRITES]


def send(
    client: httpx.Client, method: str, path: str, content: bytes, content_type: str | None
) -> httpx.Response:
    headers = {"Content-Type": content_type} if content_type else {}
    return client.request(method, path, content=content, headers=headers)


@pytest.mark.parametrize(("method", "path", "spec_path", "good"), WRITES, ids=WRITE_IDS)
@pytest.mark.parametrize(
    "raw",
    [b'{"label": ', b"{'label': 'x'}", b"", b"\xff\xfe{}", b'{"a": 1} trailing', b'{"a": NaN}'],
    ids=["truncated", "single quotes", "empty", "not utf-8", "trailing text", "NaN"],
)
def test_malformed_json_is_400(
    admin: httpx.Client, method: str, path: str, spec_path: str, good: Any, raw: bytes
) -> None:
    with unchanged(admin):
        response = send(admin, method, path, raw, "application/json")
    assert_refused(response, 400, spec_path=spec_path)


@pytest.mark.parametrize(("method", "path", "spec_path", "good"), WRITES, ids=WRITE_IDS)
@pytest.mark.parametrize(
    "raw", [b"[]", b'"text"', b"42", b"null"], ids=["array", "string", "number", "null"]
)
def test_a_body_that_is_not_an_object_is_400(
    admin: httpx.Client, method: str, path: str, spec_path: str, good: Any, raw: bytes
) -> None:
    with unchanged(admin):
        response = send(admin, method, path, raw, "application/json")
    assert_refused(response, 400, spec_path=spec_path)


@pytest.mark.parametrize(("method", "path", "spec_path", "good"), WRITES, ids=WRITE_IDS)
@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "application/xml", None],
    ids=["text", "form", "xml", "none"],
)
def test_a_wrong_content_type_is_415(
    admin: httpx.Client,
    method: str,
    path: str,
    spec_path: str,
    good: dict[str, Any],
    content_type: str | None,
) -> None:
    with unchanged(admin):
        response = send(admin, method, path, json.dumps(good).encode(), content_type)
    assert_refused(response, 415, spec_path=spec_path)


def test_json_with_a_charset_parameter_is_accepted(admin: httpx.Client) -> None:
    body = json.dumps({"phoneNumber": fresh_number(), "label": "Café"}).encode()
    response = send(admin, "POST", numbers_path(), body, "application/json; charset=utf-8")
    assert response.status_code == 200 and response.json()["label"] == "Café"


@pytest.mark.parametrize(("method", "path", "spec_path", "good"), WRITES, ids=WRITE_IDS)
def test_a_body_over_one_mebibyte_is_413(
    admin: httpx.Client, method: str, path: str, spec_path: str, good: dict[str, Any]
) -> None:
    padded = json.dumps({**good, "padding": "x" * MIB}).encode()
    with unchanged(admin):
        response = send(admin, method, path, padded, "application/json")
    assert_refused(response, 413, spec_path=spec_path)


def test_an_oversize_body_without_content_length_is_413_too(admin: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"phoneNumber": "+12125550123", "label": "'
        for _ in range(130):
            yield b"x" * 8192
        yield b'"}'

    with unchanged(admin):
        response = admin.post(
            numbers_path(), content=chunks(), headers={"Content-Type": "application/json"}
        )
    assert "content-length" not in response.request.headers
    assert_refused(response, 413, spec_path=NUMBERS_SPEC)


def test_a_body_of_exactly_the_limit_is_read(admin: httpx.Client) -> None:
    head = json.dumps({"phoneNumber": fresh_number(), "label": "edge", "padding": ""}).encode()
    body = head[:-2] + b"x" * (MIB - len(head)) + b'"}'
    assert len(body) == MIB
    response = send(admin, "POST", numbers_path(), body, "application/json")
    assert response.status_code == 200, response.text


WRONG_TYPES: list[tuple[str, str, str, dict[str, Any], str]] = [
    ("POST", numbers_path(), NUMBERS_SPEC, {"phoneNumber": 16505550100}, "phoneNumber"),
    (
        "POST",
        numbers_path(),
        NUMBERS_SPEC,
        {"phoneNumber": "+12125550124", "label": ["x"]},
        "label",
    ),
    ("POST", numbers_path(), NUMBERS_SPEC, {"device": "desk", "type": "PhoneLine"}, "device"),
    ("PUT", f"{numbers_path()}/{DEMO_NUMBER_ID}", NUMBER_SPEC, {"label": 5}, "label"),
    ("DELETE", numbers_path(), NUMBERS_SPEC, {"records": {"id": DEMO_NUMBER_ID}}, "records"),
    ("POST", rules_path(), RULES_SPEC, {"type": "Custom", "name": 5}, "name"),
    ("PUT", f"{rules_path()}/{VIP_RULE_ID}", RULE_SPEC, {"enabled": "true"}, "enabled"),
    ("PUT", f"{rules_path()}/{VIP_RULE_ID}", RULE_SPEC, {"callers": {"callerId": "x"}}, "callers"),
    (
        "PUT",
        f"{rules_path()}/business-hours-rule",
        RULE_SPEC,
        {"forwarding": {"rules": [{"ringCount": "3", "forwardingNumbers": []}]}},
        "forwarding.rules[0].ringCount",
    ),
    (
        "PUT",
        f"{rules_path()}/business-hours-rule",
        RULE_SPEC,
        {"forwarding": {"notifyMySoftPhones": "yes"}},
        "forwarding.notifyMySoftPhones",
    ),
    ("PUT", hours_path(), HOURS_SPEC, {"schedule": {"weeklyRanges": []}}, "schedule.weeklyRanges"),
]


@pytest.mark.parametrize(
    ("method", "path", "spec_path", "body", "parameter"),
    WRONG_TYPES,
    ids=[f"{m} {p.rsplit('/', 1)[1]} {n}" for m, p, _, _, n in WRONG_TYPES],
)
def test_a_wrong_type_is_400_naming_the_parameter(
    admin: httpx.Client,
    method: str,
    path: str,
    spec_path: str,
    body: dict[str, Any],
    parameter: str,
) -> None:
    with unchanged(admin):
        response = admin.request(method, path, json=body)
    assert_refused(response, 400, parameter, spec_path=spec_path)


UNKNOWN_ENUMS: list[tuple[str, str, str, dict[str, Any], str]] = [
    (
        "POST",
        numbers_path(),
        NUMBERS_SPEC,
        {"phoneNumber": "+12125550125", "type": "Pager"},
        "type",
    ),
    ("PUT", f"{numbers_path()}/{DEMO_NUMBER_ID}", NUMBER_SPEC, {"type": "Pager"}, "type"),
    (
        "POST",
        rules_path(),
        RULES_SPEC,
        {"type": "Holiday", "name": "x", "callHandlingAction": "TakeMessagesOnly"},
        "type",
    ),
    (
        "POST",
        rules_path(),
        RULES_SPEC,
        {"type": "Custom", "name": "x", "callHandlingAction": "Dance"},
        "callHandlingAction",
    ),
    (
        "PUT",
        f"{rules_path()}/business-hours-rule",
        RULE_SPEC,
        {"forwarding": {"ringingMode": "Randomly"}},
        "forwarding.ringingMode",
    ),
    ("PUT", f"{rules_path()}/{VIP_RULE_ID}", RULE_SPEC, {"screening": "Sometimes"}, "screening"),
    (
        "PUT",
        f"{rules_path()}/{VIP_RULE_ID}",
        RULE_SPEC,
        {"schedule": {"ref": "Lunch"}},
        "schedule.ref",
    ),
    (
        "PUT",
        f"{rules_path()}/after-hours-rule",
        RULE_SPEC,
        {"missedCall": {"actionType": "Shrug"}},
        "missedCall.actionType",
    ),
]


@pytest.mark.parametrize(
    ("method", "path", "spec_path", "body", "parameter"),
    UNKNOWN_ENUMS,
    ids=[f"{m} {p.rsplit('/', 1)[1]} {n}" for m, p, _, _, n in UNKNOWN_ENUMS],
)
def test_an_unknown_enum_value_is_400_naming_the_parameter(
    admin: httpx.Client,
    method: str,
    path: str,
    spec_path: str,
    body: dict[str, Any],
    parameter: str,
) -> None:
    with unchanged(admin):
        response = admin.request(method, path, json=body)
    assert_refused(response, 400, parameter, spec_path=spec_path)


NEW_RULE = {"type": "Custom", "name": "x", "callHandlingAction": "TakeMessagesOnly"}
NO_HOURS = {"schedule": {"weeklyRanges": {}}}
UNKNOWN_IDS: list[tuple[str, str, str, dict[str, Any], str]] = [
    ("PUT", f"{numbers_path()}/12345", NUMBER_SPEC, {"label": "x"}, "forwardingNumberId"),
    ("DELETE", f"{numbers_path()}/12345", NUMBER_SPEC, {}, "forwardingNumberId"),
    ("PUT", f"{rules_path()}/12345", RULE_SPEC, {"name": "x"}, "ruleId"),
    ("DELETE", f"{rules_path()}/12345", RULE_SPEC, {}, "ruleId"),
    ("POST", numbers_path("12345"), NUMBERS_SPEC, {"phoneNumber": "+12125550126"}, "extensionId"),
    ("POST", rules_path("12345"), RULES_SPEC, NEW_RULE, "extensionId"),
    ("PUT", f"{rules_path('12345')}/business-hours-rule", RULE_SPEC, {}, "extensionId"),
    ("PUT", hours_path("12345"), HOURS_SPEC, NO_HOURS, "extensionId"),
    ("PUT", hours_path("~", "12345"), HOURS_SPEC, NO_HOURS, "accountId"),
    (
        "POST",
        numbers_path("~", "12345"),
        NUMBERS_SPEC,
        {"phoneNumber": "+12125550127"},
        "accountId",
    ),
]


@pytest.mark.parametrize(
    ("method", "path", "spec_path", "body", "parameter"),
    UNKNOWN_IDS,
    ids=[f"{m} {p}" for m, p, _, _, _ in UNKNOWN_IDS],
)
def test_an_unknown_id_is_404_naming_it(
    admin: httpx.Client,
    method: str,
    path: str,
    spec_path: str,
    body: dict[str, Any],
    parameter: str,
) -> None:
    with unchanged(admin):
        response = admin.request(method, path, json=body)
    assert_refused(response, 404, parameter, spec_path=spec_path)


@pytest.mark.parametrize(
    "path", ["/nothing-here", "/account/~/extension/~/fax", "/account/~/extension/~/forwarding"]
)
def test_an_unknown_path_is_a_404_error_body(admin: httpx.Client, path: str) -> None:
    assert_refused(admin.get(path), 404)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", f"{rules_path()}/business-hours-rule"),
        ("PATCH", f"{numbers_path()}/{DEMO_NUMBER_ID}"),
        ("POST", hours_path()),
        ("DELETE", hours_path()),
    ],
)
def test_an_unsupported_method_is_405_and_changes_nothing(
    admin: httpx.Client, method: str, path: str
) -> None:
    with unchanged(admin):
        response = admin.request(method, path, json={})
    assert_refused(response, 405)


# --- garbage, in bulk ------------------------------------------------------------------


def test_garbage_bodies_never_cause_a_server_error(admin: httpx.Client) -> None:
    number = create_number(admin)["id"]
    rule = create_custom_rule(admin)["id"]
    targets = [
        ("POST", numbers_path(), "application/json"),
        ("PUT", f"{numbers_path()}/{number}", "application/json"),
        ("DELETE", numbers_path(), "application/json"),
        ("POST", rules_path(), "application/json"),
        ("PUT", f"{rules_path()}/business-hours-rule", "application/json"),
        ("PUT", f"{rules_path()}/after-hours-rule", "application/json"),
        ("PUT", f"{rules_path()}/{rule}", "application/json"),
        ("PATCH", f"{rules_path()}/{rule}", "application/json-patch+json"),
        ("PUT", hours_path(), "application/json"),
    ]
    bodies = GARBAGE_RAW + [json.dumps(b).encode() for b in GARBAGE_OBJECTS]
    failures = []
    for method, path, content_type in targets:
        for body in bodies:
            response = send(admin, method, path, body, content_type)
            if response.status_code >= 500:
                failures.append((method, path, body[:80], response.status_code))
            elif response.status_code >= 400:
                assert_refused(response, response.status_code)
    assert not failures, failures
