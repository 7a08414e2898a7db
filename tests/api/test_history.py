"""An answering rule's history and revert: what they show, and who may see and use them."""

from __future__ import annotations

import itertools
import os
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator

from tests.support import cli
from tests.support.servers import CLIENT_ID, CLIENT_SECRET, PASSWORD, LiveServer
from tests.support.spec import assert_ringcentral_error

ADMIN_EXT = "/account/~/extension/22222222"
_names = itertools.count(1)


@cache
def published_document(base_url: str) -> dict[str, Any]:
    document: dict[str, Any] = httpx.get(f"{base_url}/restapi/openapi.json").json()
    return document


def json_schema(node: Any) -> Any:
    """OpenAPI 3.0's ``nullable: true`` spelled in JSON Schema, recursively."""
    if isinstance(node, list):
        return [json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: json_schema(value) for key, value in node.items() if key != "nullable"}
    return {"anyOf": [converted, {"type": "null"}]} if node.get("nullable") else converted


def assert_matches_schema(base_url: str, body: Any, schema_name: str) -> None:
    """Validate against a schema of the service's own published OpenAPI document."""
    components = json_schema(published_document(base_url)["components"])
    root = {"$ref": f"#/components/schemas/{schema_name}", "components": components}
    errors = list(Draft202012Validator(root).iter_errors(body))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


@pytest.fixture(scope="module")
def admin(shared_server: LiveServer) -> Iterator[httpx.Client]:
    with shared_server.client("admin@example.com") as client:
        yield client


def new_rule(client: httpx.Client, extension: str = ADMIN_EXT) -> dict[str, Any]:
    """A custom rule of its own for each test, forwarding to the demo's number 33333333."""
    body = {
        "type": "Custom",
        "name": f"History test {next(_names)}",
        "enabled": True,
        "callers": [{"callerId": "+14155550111"}],
        "callHandlingAction": "ForwardCalls",
        "forwarding": {
            "rules": [{"index": 1, "ringCount": 2, "forwardingNumbers": [{"id": "33333333"}]}]
        },
    }
    response = client.post(f"{extension}/answering-rule", json=body)
    assert response.status_code == 200, response.text
    rule: dict[str, Any] = response.json()
    return rule


def history_of(client: httpx.Client, rule_id: str, **params: Any) -> dict[str, Any]:
    response = client.get(f"{ADMIN_EXT}/answering-rule/{rule_id}/history", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_change_appears_in_history_with_before_and_after(
    shared_server: LiveServer, admin: httpx.Client
) -> None:
    rule = new_rule(admin)
    put = admin.put(f"{ADMIN_EXT}/answering-rule/{rule['id']}", json={"name": "Renamed rule"})
    assert put.status_code == 200

    history = history_of(admin, rule["id"])
    assert_matches_schema(shared_server.base_url, history, "AnsweringRuleHistory")
    latest, created = history["records"]
    assert (latest["version"], created["version"]) == (2, 1)
    assert latest["before"]["name"] == rule["name"]
    assert latest["after"]["name"] == "Renamed rule"
    assert latest["after"]["callers"] == [{"callerId": "+14155550111"}]
    assert latest["actor"]["id"] == "22222222" and latest["actor"]["name"] == "Demo Admin"
    assert latest["at"].endswith("Z") and latest["at"] >= created["at"]
    assert created["before"] is None and created["after"]["name"] == rule["name"]
    assert history["paging"]["totalElements"] == 2


def test_revert_restores_the_rule_as_a_new_audited_change(admin: httpx.Client) -> None:
    rule = new_rule(admin)
    path = f"{ADMIN_EXT}/answering-rule/{rule['id']}"
    changed = admin.put(
        path,
        json={
            "forwarding": {
                "ringingMode": "Simultaneously",
                "rules": [{"index": 1, "ringCount": 5, "forwardingNumbers": [{"id": "33333333"}]}],
            }
        },
    )
    assert changed.status_code == 200

    reverted = admin.post(f"{path}/history/2/revert")
    assert reverted.status_code == 200, reverted.text
    assert reverted.headers["ETag"] == f'"{rule["id"]}-v3"'
    assert reverted.json()["forwarding"] == rule["forwarding"]
    assert admin.get(path).json()["forwarding"] == rule["forwarding"]

    latest = history_of(admin, rule["id"])["records"][0]
    assert latest["version"] == 3
    assert latest["before"]["forwarding"]["ringingMode"] == "Simultaneously"
    assert latest["after"]["forwarding"] == rule["forwarding"]


def test_switching_a_rule_off_shows_in_history_and_reverts(admin: httpx.Client) -> None:
    rule = new_rule(admin)
    path = f"{ADMIN_EXT}/answering-rule/{rule['id']}"
    assert admin.put(path, json={"enabled": False}).status_code == 200
    latest = history_of(admin, rule["id"])["records"][0]
    assert (latest["before"]["enabled"], latest["after"]["enabled"]) == (True, False)
    assert admin.post(f"{path}/history/2/revert").json()["enabled"] is True


def test_history_is_newest_first_and_paged(admin: httpx.Client) -> None:
    rule = new_rule(admin)
    for ring_count in (3, 4, 5):
        body = {
            "forwarding": {
                "rules": [
                    {"index": 1, "ringCount": ring_count, "forwardingNumbers": [{"id": "33333333"}]}
                ]
            }
        }
        assert admin.put(f"{ADMIN_EXT}/answering-rule/{rule['id']}", json=body).status_code == 200
    everything = history_of(admin, rule["id"])
    assert [r["version"] for r in everything["records"]] == [4, 3, 2, 1]

    second = history_of(admin, rule["id"], page=2, perPage=3)
    assert [r["version"] for r in second["records"]] == [1]
    assert second["paging"] == {
        "page": 2,
        "perPage": 3,
        "totalPages": 2,
        "totalElements": 4,
        "pageStart": 3,
        "pageEnd": 3,
    }
    assert "previousPage" in second["navigation"] and "nextPage" not in second["navigation"]


def test_a_deleted_number_still_reads_in_old_versions_and_revert_leaves_it_out(
    admin: httpx.Client,
) -> None:
    created = admin.post(
        f"{ADMIN_EXT}/forwarding-number", json={"phoneNumber": "+12125550177", "label": "Temp"}
    )
    number = created.json()
    rule = new_rule(admin)
    path = f"{ADMIN_EXT}/answering-rule/{rule['id']}"
    both = {
        "forwarding": {
            "rules": [
                {
                    "index": 1,
                    "ringCount": 2,
                    "forwardingNumbers": [{"id": "33333333"}, {"id": number["id"]}],
                }
            ]
        }
    }
    assert admin.put(path, json=both).status_code == 200
    assert admin.delete(f"{ADMIN_EXT}/forwarding-number/{number['id']}").status_code == 204

    latest = history_of(admin, rule["id"])["records"][0]
    assert latest["version"] == 3
    shown = latest["before"]["forwarding"]["rules"][0]["forwardingNumbers"]
    assert [(n["id"], n.get("phoneNumber")) for n in shown] == [
        ("33333333", "+16505550100"),
        (number["id"], "+12125550177"),
    ]

    reverted = admin.post(f"{path}/history/3/revert")
    assert reverted.status_code == 200, reverted.text
    group = reverted.json()["forwarding"]["rules"][0]
    assert [n["id"] for n in group["forwardingNumbers"]] == ["33333333"]


def test_a_deleted_rule_keeps_its_history(admin: httpx.Client) -> None:
    rule = new_rule(admin)
    assert admin.delete(f"{ADMIN_EXT}/answering-rule/{rule['id']}").status_code == 204
    deleted, created = history_of(admin, rule["id"])["records"]
    assert deleted["after"] is None and deleted["before"]["name"] == rule["name"]
    assert created["before"] is None
    revert = admin.post(f"{ADMIN_EXT}/answering-rule/{rule['id']}/history/2/revert")
    assert_ringcentral_error(revert, 404, "ruleId")


def test_revert_refusals_name_the_parameter(admin: httpx.Client) -> None:
    rule = new_rule(admin)
    path = f"{ADMIN_EXT}/answering-rule/{rule['id']}/history"
    assert_ringcentral_error(admin.post(f"{path}/1/revert"), 400, "version")
    assert_ringcentral_error(admin.post(f"{path}/9/revert"), 404, "version")
    assert_ringcentral_error(admin.post(f"{path}/two/revert"), 400, "version")
    assert_ringcentral_error(admin.get(f"{ADMIN_EXT}/answering-rule/424242/history"), 404, "ruleId")
    assert (
        admin.put(f"{ADMIN_EXT}/answering-rule/{rule['id']}", json={"name": "x"}).status_code == 200
    )
    stale = admin.post(f"{path}/2/revert", headers={"If-Match": f'"{rule["id"]}-v1"'})
    assert_ringcentral_error(stale, 412)


def test_another_account_sees_nothing_of_it(shared_server: LiveServer, admin: httpx.Client) -> None:
    rule = new_rule(admin)
    assert (
        admin.put(f"{ADMIN_EXT}/answering-rule/{rule['id']}", json={"name": "x"}).status_code == 200
    )
    with shared_server.client("other@example.com") as other:
        for account in ("11111111", "~"):
            base = f"/account/{account}/extension/22222222/answering-rule/{rule['id']}/history"
            assert_ringcentral_error(other.get(base), 404)
            assert_ringcentral_error(other.post(f"{base}/2/revert"), 404)
    assert admin.get(f"{ADMIN_EXT}/answering-rule/{rule['id']}").json()["name"] == "x"


def test_a_user_cannot_read_an_admins_other_extension_history(
    shared_server: LiveServer,
) -> None:
    with shared_server.client("user@example.com") as user:
        path = f"{ADMIN_EXT}/answering-rule/business-hours-rule/history"
        assert_ringcentral_error(user.get(path), 403, "extensionId")
        assert_ringcentral_error(user.post(f"{path}/1/revert"), 403, "extensionId")
        own = user.get("/account/~/extension/~/answering-rule/business-hours-rule/history")
        assert own.status_code == 200 and own.json()["records"] == []


def test_history_and_revert_are_off_in_strict_mode(tmp_path: Path) -> None:
    server = LiveServer(
        f"sqlite:///{tmp_path / 'strict.db'}", extra_args=["--strict-ringcentral"]
    ).start()
    try:
        with server.client() as client:
            path = "/account/~/extension/~/answering-rule/business-hours-rule/history"
            assert_ringcentral_error(client.get(path), 404)
            assert_ringcentral_error(client.post(f"{path}/1/revert"), 404)
        document = httpx.get(f"{server.base_url}/restapi/openapi.json").json()
        assert not any(path.endswith("/history") for path in document["paths"])
    finally:
        server.stop()


def run_cli(server: LiveServer, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    variables = {
        **os.environ,
        "RINGCENTRAL_SERVER_URL": server.base_url,
        "RINGCENTRAL_CLIENT_ID": CLIENT_ID,
        "RINGCENTRAL_CLIENT_SECRET": CLIENT_SECRET,
        "RINGCENTRAL_USERNAME": "admin@example.com",
        "RINGCENTRAL_PASSWORD": PASSWORD,
        **env,
    }
    return cli.run_cli(*args, env=variables)


def test_the_cli_shows_history_and_reverts(shared_server: LiveServer, admin: httpx.Client) -> None:
    rule = new_rule(admin)
    assert (
        admin.put(f"{ADMIN_EXT}/answering-rule/{rule['id']}", json={"name": "CLI"}).status_code
        == 200
    )
    target = ("--extension", "22222222", "--rule", rule["id"])

    shown = run_cli(shared_server, "history", *target)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[1].split()[:2] == ["2", lines[1].split()[1]] and "name" in lines[1]
    assert "Demo Admin" in lines[1] and lines[2].rstrip().endswith("created")

    reverted = run_cli(shared_server, "revert", "2", *target, "--json")
    assert reverted.returncode == 0, reverted.stderr
    assert '"name": "' + rule["name"] + '"' in reverted.stdout
    assert admin.get(f"{ADMIN_EXT}/answering-rule/{rule['id']}").json()["name"] == rule["name"]

    missing = run_cli(shared_server, "revert", "99", *target)
    assert missing.returncode == 1 and "version" in missing.stderr
    no_login = run_cli(shared_server, "history", RINGCENTRAL_PASSWORD="", RINGCENTRAL_JWT_TOKEN="")
    assert no_login.returncode == 2


def test_change_and_revert_on_each_backend(live_server: LiveServer) -> None:
    with live_server.client() as client:
        path = "/account/~/extension/~/answering-rule/business-hours-rule"
        original = client.get(path).json()
        assert (
            client.put(path, json={"forwarding": {"ringingMode": "Simultaneously"}}).status_code
            == 200
        )
        history = client.get(f"{path}/history").json()
        assert history["records"][0]["after"]["forwarding"]["ringingMode"] == "Simultaneously"
        reverted = client.post(f"{path}/history/{history['records'][0]['version']}/revert")
        assert reverted.status_code == 200
        assert reverted.json() == original
