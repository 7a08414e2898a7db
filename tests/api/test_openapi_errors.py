"""The refusals the OpenAPI document lists are ones the operations really give.

For every operation of the document a server publishes, and every status of
400/401/403/404/409/412/415/429 it lists, a request made to provoke that refusal gets
exactly it, with a RingCentral error body. An operation listing a status no request can
provoke fails here, and so does one that leaves out the refusals every operation of its
kind gives.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from tests.support.rest import fresh_number
from tests.support.servers import CLIENT_ID, CLIENT_SECRET, PASSWORD, TLS, LiveServer
from tests.support.spec import assert_ringcentral_error

PUBLISHED = {"400", "401", "403", "404", "409", "412", "415", "429"}
ACCOUNT = "/restapi/v1.0/account/{accountId}"
EXT = f"{ACCOUNT}/extension/{{extensionId}}"
RULE = f"{EXT}/answering-rule/{{ruleId}}"
NUMBER = f"{EXT}/forwarding-number/{{forwardingNumberId}}"
# Enhanced call handling: asked of the enhanced demo account, whose admin is 22222232.
V2 = "/restapi/v2/accounts/{accountId}/extensions/{extensionId}/comm-handling"
FEATURES = f"{EXT}/features"
ENHANCED_ADMIN, ENHANCED_USER = "enhanced@example.com", "enhanced-user@example.com"
INTERACTION_RULE = (
    b'{"displayName": "x", "enabled": true, "conditions": [{"type": "Interaction",'
    b' "from": [{"phoneNumber": "+14155550111", "name": "x"}], "to": []}],'
    b' "dispatching":'
    b' {"type": "RingAtOnce", "actions": [{"type": "RingGroupAction", "enabled": true,'
    b' "duration": 15, "targets": [{"type": "PhoneNumberRingTarget",'
    b' "destination": {"phoneNumber": "+14155550112"}}]}]}}'
)
TOKEN = "/restapi/oauth/token"
REVOKE = "/restapi/oauth/revoke"
STALE = '"stale-version"'
LIMITS = "Light=2,Medium=2,Heavy=2,Auth=2"
# Bodies that pass the schema checks, so that refusals decided later (403, 404) are reached.
VALID_BODIES = {
    ("post", f"{EXT}/forwarding-number"): b'{"phoneNumber": "+12125550199", "label": "x"}',
    ("delete", f"{EXT}/forwarding-number"): b'{"records": [{"id": "33333333"}]}',
    ("put", NUMBER): b'{"label": "x"}',
    ("post", f"{EXT}/answering-rule"): (
        b'{"type": "Custom", "name": "x", "callers": [{"callerId": "+14155550111"}],'
        b' "callHandlingAction": "TakeMessagesOnly"}'
    ),
    ("put", RULE): b'{"enabled": true}',
    ("patch", RULE): b"[]",
    ("put", f"{EXT}/business-hours"): b'{"schedule": {"weeklyRanges": {}}}',
    ("post", f"{EXT}/call-flow/simulate"): b"{}",
    ("patch", f"{V2}/states/{{stateId}}"): b"{}",
    ("patch", f"{V2}/voice/state-rules/{{stateId}}"): b"{}",
    ("post", f"{V2}/voice/interaction-rules"): INTERACTION_RULE,
    ("patch", f"{V2}/voice/interaction-rules/{{ruleId}}"): b"{}",
    ("delete", f"{V2}/voice/forwarding-targets"): b'{"records": []}',
}


@dataclass
class Setup:
    """A server, its document, tokens, and the ids the conflict recipes need."""

    server: LiveServer
    limited: LiveServer
    strict: bool
    document: dict[str, Any]
    admin: str
    user: str
    ids: dict[str, str] = field(default_factory=dict)
    enhanced_admin: str = ""
    enhanced_user: str = ""


def _headers(token: str | None, **extra: str) -> dict[str, str]:
    headers = dict(extra)
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return headers


def _prepare_conflicts(server: LiveServer, admin: str) -> dict[str, str]:
    """A number whose flip digit 33333333 cannot take, and a deleted number whose phone
    number another one has taken since (so restoring it is a 409)."""
    base = f"{server.base_url}/restapi/v1.0/account/~/extension/22222222/forwarding-number"
    with httpx.Client(headers=_headers(admin), timeout=30) as client:
        other = client.post(base, json={"phoneNumber": fresh_number(), "label": "Flip"}).json()
        phone = fresh_number()
        gone = client.post(base, json={"phoneNumber": phone, "label": "Gone"}).json()
        assert client.delete(f"{base}/{gone['id']}").status_code == 204
        taker = client.post(base, json={"phoneNumber": phone, "label": "Taker"})
        assert taker.status_code == 200, taker.text
    return {"flip": other["flipNumber"], "gone": gone["id"]}


@pytest.fixture(scope="module", params=["extended", "strict"])
def setup(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Setup]:
    strict = request.param == "strict"
    extra = ["--strict-ringcentral"] if strict else []
    directory = tmp_path_factory.mktemp(f"errors-{request.param}")
    server = LiveServer(f"sqlite:///{directory / 'plain.db'}", extra_args=extra).start()
    limited = LiveServer(
        f"sqlite:///{directory / 'limited.db'}",
        extra_args=[*extra, "--rate-limits", "default"],
        env={"RINGFORWARD_RATE_LIMIT_OVERRIDES": LIMITS},
    ).start()
    try:
        document = httpx.get(f"{server.base_url}/restapi/openapi.json").json()
        admin, user = server.token(), server.token("user@example.com")
        yield Setup(
            server,
            limited,
            strict,
            document,
            admin,
            user,
            _prepare_conflicts(server, admin),
            server.token(ENHANCED_ADMIN),
            server.token(ENHANCED_USER),
        )
    finally:
        server.stop()
        limited.stop()


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if isinstance(operation, dict) and "responses" in operation
    ]


def _body_type(operation: dict[str, Any]) -> str | None:
    content = operation.get("requestBody", {}).get("content", {})
    return next(iter(content), None)


@dataclass
class Call:
    path: dict[str, str] = field(
        default_factory=lambda: {
            "accountId": "~",
            "extensionId": "22222222",
            "ruleId": "55555555",
            "forwardingNumberId": "33333333",
            "deviceId": "80000001",  # the demo softphone of 22222222
            "stateId": "work-hours",
            "version": "1",
        }
    )
    headers: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    content: bytes | None = None
    data: dict[str, str] | None = None
    auth: tuple[str, str] | None = None


def _oauth_call(path: str, status: str) -> Call:
    call = Call(auth=(CLIENT_ID, CLIENT_SECRET))
    form = {"grant_type": "password", "username": "admin@example.com", "password": PASSWORD}
    if path == REVOKE:
        form = {"token": "not-a-token"}
    if status == "400":
        form = {"note": "x"}  # grant_type, or the token to revoke, is missing
    elif status == "401":
        call.auth = (CLIENT_ID, "wrong-secret")
    elif status == "415":
        call.content, call.headers = b"{}", {"Content-Type": "application/json"}
        return call
    call.data = form
    return call


def _bad_request(call: Call, method: str, path: str, operation: dict[str, Any]) -> None:
    if _body_type(operation):
        call.content = b"{"  # not JSON
        call.headers["Content-Type"] = _body_type(operation) or ""
    elif path.endswith("/revert"):
        call.path["version"] = "first"
    elif method == "delete" and path == RULE:
        call.path["ruleId"] = "business-hours-rule"  # a standard rule cannot be deleted
    elif method == "get" and path == RULE:
        call.params["showInactiveNumbers"] = "maybe"
    else:
        call.params["page"] = "0"


def _conflict(call: Call, method: str, path: str, ids: dict[str, str]) -> None:
    call.headers["Content-Type"] = "application/json"
    if method == "patch":
        call.headers["Content-Type"] = "application/json-patch+json"
        call.content = b'[{"op": "test", "path": "/name", "value": "not its name"}]'
    elif method == "post" and path.endswith("/forwarding-number"):
        call.content = b'{"phoneNumber": "+16505550100"}'  # the demo's 33333333 has it
    elif method == "put" and path == NUMBER:
        call.content = f'{{"flipNumber": "{ids["flip"]}"}}'.encode()
    elif path.startswith(NUMBER) and path.endswith("/revert"):
        call.path.update(forwardingNumberId=ids["gone"], version="2")


def _stale(call: Call, method: str, path: str) -> None:
    call.headers["If-Match"] = STALE
    if method == "put" or (method == "patch" and path.startswith(V2)):  # v2 PATCH merges
        call.headers["Content-Type"] = "application/json"
        call.content = b'{"enabled": true}'
    elif method == "patch":
        call.headers["Content-Type"] = "application/json-patch+json"
        call.content = b"[]"


def provoke(setup: Setup, method: str, path: str, operation: dict[str, Any], status: str) -> Call:
    """The request meant to get ``status`` from ``method path``."""
    if path.startswith("/restapi/oauth/"):
        return _oauth_call(path, status)
    call = Call()
    if _body_type(operation):
        call.headers["Content-Type"] = _body_type(operation) or ""
        call.content = VALID_BODIES[(method, path)]
    token: str | None = setup.admin
    colleague = setup.user  # 22222222 is a colleague's extension
    if path.startswith(V2) or path == FEATURES:
        token, colleague = setup.enhanced_admin, setup.enhanced_user
        call.path.update(extensionId="22222232", ruleId="55555554")
    if status in ("401", "429"):
        token = None
    elif status == "403":
        token = colleague
    elif status == "404":
        call.path["accountId"] = "99999999"
    elif status == "400":
        _bad_request(call, method, path, operation)
    elif status == "409":
        _conflict(call, method, path, setup.ids)
    elif status == "412":
        _stale(call, method, path)
    elif status == "415":
        call.headers["Content-Type"] = "text/plain"
        call.content = b"x"
    call.headers.update(_headers(token))
    return call


def send(base_url: str, method: str, path: str, call: Call) -> httpx.Response:
    return httpx.request(
        method.upper(),
        base_url + path.format(**call.path),
        headers=call.headers,
        params=call.params,
        content=call.content,
        data=call.data,
        auth=call.auth,
        timeout=30,
        verify=TLS,
    )


def test_every_listed_refusal_is_given(setup: Setup) -> None:
    checked = 0
    for method, path, operation in _operations(setup.document):
        for status in sorted(PUBLISHED & set(operation["responses"])):
            call = provoke(setup, method, path, operation, status)
            if status == "429":
                # The limited server's budgets are two a minute: a few calls spend them.
                for _ in range(6):
                    response = send(setup.limited.base_url, method, path, call)
                    if response.status_code == 429:
                        break
            else:
                response = send(setup.server.base_url, method, path, call)
            where = f"{method.upper()} {path}: listed {status}, got {response.status_code}"
            assert response.status_code == int(status), f"{where} {response.text[:300]}"
            assert_ringcentral_error(response, int(status))
            checked += 1
    assert checked > 50


def test_the_common_refusals_are_listed(setup: Setup) -> None:
    for method, path, operation in _operations(setup.document):
        listed = set(operation["responses"])
        where = f"{method.upper()} {path}"
        if path.startswith(ACCOUNT):
            assert {"401", "404", "429"} <= listed, where
        if path.startswith(EXT):
            assert "403" in listed, where
        if _body_type(operation):
            assert {"400", "415"} <= listed, where
        for status in PUBLISHED & listed:
            response = operation["responses"][status]
            if "$ref" in response:
                name = response["$ref"].rsplit("/", 1)[1]
                response = setup.document["components"]["responses"][name]
            schema = response["content"]["application/json"]["schema"]
            assert "ErrorResponseModel" in str(schema), (where, status, schema)


def test_strict_mode_lists_no_if_match_refusal(setup: Setup) -> None:
    listed = [
        (method, path)
        for method, path, operation in _operations(setup.document)
        if "412" in operation["responses"]
    ]
    if setup.strict:
        assert listed == []
    else:
        assert ("put", RULE) in listed and ("delete", RULE) in listed


def test_the_served_document_is_the_one_tested(setup: Setup) -> None:
    from ringforward.api.service_spec import service_document

    assert setup.document == service_document(strict=setup.strict)


def test_every_operation_states_its_refusals(setup: Setup) -> None:
    # A new operation must say what it refuses; the fallback only keeps the server up.
    from ringforward.api.spec_errors import ERROR_STATUSES

    missing = [(m, p) for m, p, _ in _operations(setup.document) if (m, p) not in ERROR_STATUSES]
    assert missing == []
