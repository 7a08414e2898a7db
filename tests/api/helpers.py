"""What the API acceptance tests share: demo ids, paths, fresh numbers, snapshots, spec checks."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from jsonschema import Draft202012Validator

from tests.support.spec import assert_ringcentral_error, spec

ADMIN = "admin@example.com"
USER = "user@example.com"
OTHER = "other@example.com"
ACCOUNT_ID = "11111111"
ADMIN_EXT = "22222222"
USER_EXT = "22222223"
OTHER_ACCOUNT_ID = "99999999"
OTHER_EXT = "88888888"
DEMO_NUMBER_ID = "33333333"
OTHER_NUMBER_ID = "88880001"
VIP_RULE_ID = "55555555"
MAIN_NUMBER = "+16505550000"
ADMIN_DIRECT_NUMBER = "+16505550101"
USER_DIRECT_NUMBER = "+16505550102"

# Spec path templates, as assert_matches_spec wants them.
ACCOUNT_SPEC = "/restapi/v1.0/account/{accountId}"
EXTENSIONS_SPEC = f"{ACCOUNT_SPEC}/extension"
EXTENSION_SPEC = f"{ACCOUNT_SPEC}/extension/{{extensionId}}"
NUMBERS_SPEC = f"{EXTENSION_SPEC}/forwarding-number"
NUMBER_SPEC = f"{NUMBERS_SPEC}/{{forwardingNumberId}}"
RULES_SPEC = f"{EXTENSION_SPEC}/answering-rule"
RULE_SPEC = f"{RULES_SPEC}/{{ruleId}}"
HOURS_SPEC = f"{EXTENSION_SPEC}/business-hours"
TOKEN_SPEC = "/restapi/oauth/token"
REVOKE_SPEC = "/restapi/oauth/revoke"

# Area codes whose 555-0100..0199 numbers the phone library accepts as valid US numbers;
# none is the demo account's 650, so no fresh number collides with a direct number.
_AREA_CODES = (212, 646, 718, 917, 415, 312, 617, 303, 206, 305, 404, 512, 602, 702, 713, 214)
_next_number = itertools.count()


def fresh_number() -> str:
    """A valid E.164 number no other test of this process has used."""
    position = next(_next_number)
    area = _AREA_CODES[position // 100]
    return f"+1{area}5550{100 + position % 100}"


def ext(extension: str = "~", account: str = "~") -> str:
    """The path of an extension, relative to a client's ``/restapi/v1.0`` base URL."""
    return f"/account/{account}/extension/{extension}"


def numbers_path(extension: str = "~", account: str = "~") -> str:
    return f"{ext(extension, account)}/forwarding-number"


def rules_path(extension: str = "~", account: str = "~") -> str:
    return f"{ext(extension, account)}/answering-rule"


def hours_path(extension: str = "~", account: str = "~") -> str:
    return f"{ext(extension, account)}/business-hours"


def create_number(client: httpx.Client, extension: str = "~", **fields: Any) -> dict[str, Any]:
    """Register a forwarding number (a fresh phone number unless one is given)."""
    body = {"phoneNumber": fresh_number(), **fields}
    response = client.post(numbers_path(extension), json=body)
    assert response.status_code == 200, response.text
    created: dict[str, Any] = response.json()
    return created


def create_custom_rule(client: httpx.Client, extension: str = "~", **fields: Any) -> dict[str, Any]:
    """A custom ForwardCalls rule for one caller, with ``fields`` overriding the defaults."""
    body = {
        "type": "Custom",
        "name": "Test rule",
        "callHandlingAction": "ForwardCalls",
        "callers": [{"callerId": fresh_number()}],
        **fields,
    }
    response = client.post(rules_path(extension), json=body)
    assert response.status_code == 200, response.text
    created: dict[str, Any] = response.json()
    return created


def get_json(client: httpx.Client, path: str, **params: Any) -> Any:
    response = client.get(path, params=params)
    assert response.status_code == 200, (path, response.status_code, response.text)
    return response.json()


def read_rule(
    client: httpx.Client, rule_id: str, extension: str = "~", *, inactive: bool = False
) -> dict[str, Any]:
    params = {"showInactiveNumbers": "true"} if inactive else {}
    rule: dict[str, Any] = get_json(client, f"{rules_path(extension)}/{rule_id}", **params)
    return rule


def put_groups(
    client: httpx.Client, rule_id: str, groups: list[dict[str, Any]], extension: str = "~"
) -> httpx.Response:
    """PUT ``forwarding.rules`` of a rule, with nothing else in the body."""
    return client.put(f"{rules_path(extension)}/{rule_id}", json={"forwarding": {"rules": groups}})


def group_ids(rule: dict[str, Any]) -> list[list[str]]:
    """The active groups of a rule as lists of forwarding-number ids, in index order."""
    groups = [g for g in rule["forwarding"]["rules"] if g.get("enabled", True)]
    return [[n["id"] for n in g["forwardingNumbers"]] for g in groups]


def snapshot(client: httpx.Client, extension: str = "~") -> dict[str, Any]:
    """Everything of an extension a write could change, read back through the API."""
    numbers = get_json(client, numbers_path(extension), perPage=1000)["records"]
    # The detailed list holds every rule in full; inactive entries follow from the numbers.
    rules = get_json(client, rules_path(extension), perPage=1000, view="Detailed")["records"]
    hours = get_json(client, hours_path(extension))
    return {"numbers": numbers, "rules": rules, "hours": hours}


@contextmanager
def unchanged(client: httpx.Client, extension: str = "~") -> Iterator[None]:
    """Assert that whatever happens inside leaves the extension exactly as it was."""
    before = snapshot(client, extension)
    yield
    after = snapshot(client, extension)
    assert after == before, "a refused request changed the extension"


def validate(body: Any, schema: dict[str, Any]) -> None:
    root = {**schema, "components": spec()["components"]}
    errors = sorted(Draft202012Validator(root).iter_errors(body), key=lambda e: list(e.path))
    assert not errors, "; ".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def error_schema(path: str, method: str, status: int) -> dict[str, Any]:
    """The spec's schema for this error, or its generic error model when the spec lists none.

    The spec lists 400/404 for most operations but not 401/403/409/413/415; those bodies
    must still be the standard error model (OAuth's for the token endpoints).
    """
    operation = spec()["paths"][path][method.lower()]
    response = operation["responses"].get(str(status))
    if response is not None and "$ref" in response:
        response = spec()["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    content = (response or {}).get("content", {}).get("application/json")
    if content:
        schema: dict[str, Any] = content["schema"]
        return schema
    if path.startswith("/restapi/oauth/"):
        oauth = spec()["components"]["responses"]["OauthInvalidRequest"]
        oauth_schema: dict[str, Any] = oauth["content"]["application/json"]["schema"]
        return oauth_schema
    return {"$ref": "#/components/schemas/ApiErrorResponseModel"}


def assert_refused(
    response: httpx.Response,
    status: int,
    parameter: str | None = None,
    *,
    spec_path: str | None = None,
) -> dict[str, Any]:
    """A RingCentral error body with this status (naming ``parameter``), valid per the spec."""
    body = assert_ringcentral_error(response, status, parameter)
    if spec_path is not None:
        validate(body, error_schema(spec_path, response.request.method, status))
    return body
