"""The tests' one way to arrange and read state through the REST API: demo ids, paths,
fresh numbers, snapshots, spec checks, and the starting states of the CLI and portal tests."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from jsonschema import Draft202012Validator

from tests.support.servers import LiveServer
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
DEMO_NUMBER = "+16505550100"
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


# The admin's own extension and business-hours rule, relative to ``/restapi/v1.0``.
EXT = "/account/~/extension/~"
BUSINESS = f"{EXT}/answering-rule/business-hours-rule"


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


# --- the ring-group CLI tests: every rule and number of the admin, and a known list --------

# The starting list of the CLI tests: group 1 = demo number + A, group 2 = B, C inactive.
A, B, C = "+12125550111", "+12125550112", "+12125550113"
LABELS = {DEMO_NUMBER: "My Phone3", A: "Alpha", B: "Bravo", C: "Charlie"}


@dataclass(frozen=True)
class Snapshot:
    """Everything the ring-group CLI could touch: every rule (with inactive numbers) and
    every forwarding number of the extension."""

    rules: dict[str, dict[str, Any]]
    numbers: dict[str, dict[str, Any]]

    def rule(self, rule_id: str = "business-hours-rule") -> dict[str, Any]:
        return self.rules[rule_id]

    def forwarding(self, rule_id: str = "business-hours-rule") -> dict[str, Any]:
        forwarding: dict[str, Any] = self.rules[rule_id]["forwarding"]
        return forwarding

    def groups(self, rule_id: str = "business-hours-rule") -> list[tuple[int, list[str]]]:
        """(ringCount, [phone numbers]) per active group, in index order."""
        return [
            (entry["ringCount"], [n["phoneNumber"] for n in entry["forwardingNumbers"]])
            for entry in self.forwarding(rule_id)["rules"]
            if entry.get("enabled", True)
        ]

    def id_of(self, phone: str) -> str:
        return next(i for i, n in self.numbers.items() if n.get("phoneNumber") == phone)


def call_handling(client: httpx.Client) -> Snapshot:
    listed = client.get(f"{EXT}/answering-rule", params={"perPage": 1000}).json()["records"]
    rules = {}
    for record in listed:
        response = client.get(
            f"{EXT}/answering-rule/{record['id']}", params={"showInactiveNumbers": "true"}
        )
        rules[record["id"]] = response.json()
    numbers = client.get(f"{EXT}/forwarding-number", params={"perPage": 1000}).json()
    return Snapshot(rules, {n["id"]: n for n in numbers["records"]})


def reset_to_baseline(client: httpx.Client) -> Snapshot:
    """Put the demo extension back to the known list, whatever earlier tests left."""
    listed = client.get(f"{EXT}/forwarding-number", params={"perPage": 1000}).json()["records"]
    by_phone = {n.get("phoneNumber"): n["id"] for n in listed}
    extra = [{"id": i} for p, i in by_phone.items() if p not in LABELS]
    if extra:
        assert client.request(
            "DELETE", f"{EXT}/forwarding-number", json={"records": extra}
        ).is_success
    for phone in (A, B, C):
        if phone not in by_phone:
            created = client.post(
                f"{EXT}/forwarding-number", json={"phoneNumber": phone, "label": LABELS[phone]}
            )
            assert created.status_code == 200, created.text
            by_phone[phone] = created.json()["id"]
    body = {
        "forwarding": {
            "ringingMode": "Sequentially",
            "rules": [
                {
                    "index": 1,
                    "ringCount": 3,
                    "forwardingNumbers": [{"id": by_phone[DEMO_NUMBER]}, {"id": by_phone[A]}],
                },
                {"index": 2, "ringCount": 2, "forwardingNumbers": [{"id": by_phone[B]}]},
            ],
        }
    }
    response = client.put(BUSINESS, json=body)
    assert response.status_code == 200, response.text
    return call_handling(client)


def everything_else(state: Snapshot, *, keep_mode: bool = True) -> dict[str, Any]:
    """All rules minus business-hours-rule's forwarding list (what the verbs may change).

    Inactive entries are left out too: registering a number makes it show as inactive in
    every rule, which is the registration's doing, checked through ``numbers``.
    """
    rules: dict[str, Any] = {}
    for rule_id, rule in state.rules.items():
        copy = dict(rule)
        if isinstance(rule.get("forwarding"), dict):
            forwarding = dict(rule["forwarding"])
            forwarding["rules"] = [e for e in forwarding["rules"] if e.get("enabled", True)]
            if rule_id == "business-hours-rule":
                forwarding.pop("rules")
                if not keep_mode:
                    forwarding.pop("ringingMode")
            copy["forwarding"] = forwarding
        rules[rule_id] = copy
    return rules


# --- the portal tests: the admin's call handling read and arranged through a server ------


def rule(
    server: LiveServer, rule_id: str = "business-hours-rule", extension_id: str = ADMIN_EXT
) -> dict[str, Any]:
    with server.client(ADMIN) as client:
        return read_rule(client, rule_id, extension_id)


def groups(server: LiveServer, rule_id: str = "business-hours-rule") -> list[list[str]]:
    """The forwarding list as the ids of each entry, in ringing order."""
    return group_ids(rule(server, rule_id))


def ring_counts(server: LiveServer, rule_id: str = "business-hours-rule") -> list[int]:
    return [entry["ringCount"] for entry in rule(server, rule_id)["forwarding"]["rules"]]


def add_number(server: LiveServer, phone: str, label: str) -> str:
    with server.client(ADMIN) as client:
        number_id: str = create_number(client, ADMIN_EXT, phoneNumber=phone, label=label)["id"]
        return number_id


def numbers(server: LiveServer) -> dict[str, str]:
    """Phone number → id of the admin's forwarding numbers."""
    with server.client(ADMIN) as client:
        records = get_json(client, numbers_path(ADMIN_EXT))["records"]
        return {r["phoneNumber"]: r["id"] for r in records if "phoneNumber" in r}


def set_groups(server: LiveServer, entries: list[list[str]], ring_count: int = 3) -> None:
    listed = [
        {
            "index": position,
            "ringCount": ring_count,
            "forwardingNumbers": [{"id": number_id} for number_id in ids],
        }
        for position, ids in enumerate(entries, start=1)
    ]
    with server.client(ADMIN) as client:
        put_groups(client, "business-hours-rule", listed, ADMIN_EXT).raise_for_status()


def business_hours(server: LiveServer) -> dict[str, Any]:
    with server.client(ADMIN) as client:
        weekly: dict[str, Any] = get_json(client, hours_path(ADMIN_EXT))["schedule"]
        return weekly.get("weeklyRanges", {})


DEMO_LIST = {"index": 1, "ringCount": 3, "forwardingNumbers": [{"id": DEMO_NUMBER_ID}]}
DEMO_HOURS = {
    day: [{"from": "09:00", "to": "18:00"}]
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
}


def reset(server: LiveServer) -> None:
    """Put the admin's call handling back to the demo data, so that tests sharing one
    server do not see each other's changes."""
    base = ext(ADMIN_EXT)
    with server.client(ADMIN) as client:
        extra = [
            {"id": record["id"]}
            for record in client.get(f"{base}/forwarding-number").json()["records"]
            if record["id"] != DEMO_NUMBER_ID
        ]
        if extra:
            client.request(
                "DELETE", f"{base}/forwarding-number", json={"records": extra}
            ).raise_for_status()
        client.put(
            f"{base}/answering-rule/business-hours-rule",
            json={
                "callHandlingAction": "ForwardCalls",
                "forwarding": {"ringingMode": "Sequentially", "rules": [DEMO_LIST]},
            },
        ).raise_for_status()
        client.put(
            f"{base}/business-hours", json={"schedule": {"weeklyRanges": DEMO_HOURS}}
        ).raise_for_status()
        for record in client.get(f"{base}/answering-rule", params={"type": "Custom"}).json()[
            "records"
        ]:
            if record["id"] != VIP_RULE_ID:
                client.delete(f"{base}/answering-rule/{record['id']}").raise_for_status()
