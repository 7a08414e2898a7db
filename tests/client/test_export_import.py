"""``ringforward export`` / ``import`` between live servers: the call handling arrives whole."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.client.helpers import cli_env
from tests.support.cli import run_cli
from tests.support.rest import DEMO_NUMBER, A, B, C, reset_to_baseline
from tests.support.servers import LiveServer

SOURCE, TARGET = "22222222", "22222223"
HOURS = {"weeklyRanges": {"monday": [{"from": "08:00", "to": "12:00"}], "saturday": []}}
RECEPTION = {
    "type": "Custom",
    "name": "Reception line",
    "enabled": True,
    "callHandlingAction": "ForwardCalls",
    "calledNumbers": [{"phoneNumber": DEMO_NUMBER}],
    "schedule": {"ref": "AfterHours"},
    "forwarding": {
        "ringingMode": "Simultaneously",
        "rules": [{"index": 1, "ringCount": 5, "forwardingNumbers": [{"phoneNumber": B}]}],
    },
}


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, env=env)


def state(api: httpx.Client, extension: str) -> dict[str, Any]:
    """Everything an import may change on ``extension``, as the API shows it."""
    base = f"/account/~/extension/{extension}"
    listed = api.get(f"{base}/answering-rule", params={"perPage": 1000}).json()["records"]
    rules = {
        record["id"]: api.get(
            f"{base}/answering-rule/{record['id']}", params={"showInactiveNumbers": "true"}
        ).json()
        for record in listed
    }
    numbers = api.get(f"{base}/forwarding-number", params={"perPage": 1000}).json()["records"]
    return {
        "rules": rules,
        "numbers": numbers,
        "hours": api.get(f"{base}/business-hours").json()["schedule"],
    }


def comparable(snapshot: dict[str, Any]) -> dict[str, Any]:
    """What must survive a move between extensions and servers: no ids, uris or owners."""
    phone_by_id = {n["id"]: n["phoneNumber"] for n in snapshot["numbers"]}

    def rule_view(rule: dict[str, Any]) -> dict[str, Any]:
        view = {
            key: rule.get(key)
            for key in (
                "type",
                "name",
                "enabled",
                "callHandlingAction",
                "callers",
                "calledNumbers",
                "schedule",
                "unconditionalForwarding",
                "screening",
            )
        }
        forwarding = rule.get("forwarding")
        if forwarding:
            view["ringingMode"] = forwarding["ringingMode"]
            view["groups"] = [
                (e["ringCount"], [phone_by_id[n["id"]] for n in e["forwardingNumbers"]])
                for e in forwarding["rules"]
                if e.get("enabled", True)
            ]
        return view

    rules = snapshot["rules"]
    return {
        "numbers": sorted((n["phoneNumber"], n["label"], n["type"]) for n in snapshot["numbers"]),
        "hours": snapshot["hours"],
        "business": rule_view(rules["business-hours-rule"]),
        "after": rule_view(rules["after-hours-rule"]),
        "custom": sorted(
            json.dumps(rule_view(r), sort_keys=True)
            for r in rules.values()
            if r["type"] == "Custom"
        ),
    }


@pytest.fixture(scope="module")
def target_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A second demo server: the import's destination."""
    directory = tmp_path_factory.mktemp("target")
    server = LiveServer(
        f"sqlite:///{directory / 'ringforward.db'}", log_path=directory / "server.log"
    ).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def source_api(shared_server: LiveServer) -> Iterator[httpx.Client]:
    with shared_server.client() as client:
        yield client


@pytest.fixture(scope="module")
def exported(
    shared_server: LiveServer, source_api: httpx.Client, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The source extension given ring groups, hours and two custom rules, then exported."""
    reset_to_baseline(source_api)
    base = f"/account/~/extension/{SOURCE}"
    assert source_api.put(f"{base}/business-hours", json={"schedule": HOURS}).is_success
    created = source_api.post(f"{base}/answering-rule", json=RECEPTION)
    assert created.status_code == 200, created.text
    after = {
        "callHandlingAction": "ForwardCalls",
        "forwarding": {
            "rules": [{"index": 1, "ringCount": 2, "forwardingNumbers": [{"phoneNumber": C}]}]
        },
    }
    assert source_api.put(f"{base}/answering-rule/after-hours-rule", json=after).is_success
    path = tmp_path_factory.mktemp("export") / "call-handling.json"
    result = run(cli_env(shared_server), "export", "--extension", SOURCE, "--output", str(path))
    assert result.returncode == 0, result.stderr
    return path


def test_export_is_the_api_view_without_uris(exported: Path, source_api: httpx.Client) -> None:
    document = json.loads(exported.read_text())
    assert document["format"] == "ringforward-call-handling/1"
    assert document["extension"] == SOURCE
    assert '"uri"' not in exported.read_text()
    live = state(source_api, SOURCE)
    assert {n["phoneNumber"] for n in document["forwardingNumbers"]} == {DEMO_NUMBER, A, B, C}
    assert document["businessHours"]["schedule"] == live["hours"]
    by_id = {rule["id"]: rule for rule in document["answeringRules"]}
    assert set(by_id) == set(live["rules"])
    business = by_id["business-hours-rule"]["forwarding"]["rules"]
    assert [[n["phoneNumber"] for n in e["forwardingNumbers"]] for e in business] == [
        [DEMO_NUMBER, A],
        [B],
    ]


def test_export_to_stdout_matches_the_file(exported: Path, shared_server: LiveServer) -> None:
    result = run(cli_env(shared_server), "export", "--extension", SOURCE)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == json.loads(exported.read_text())


@pytest.mark.parametrize("where", ["other server", "same server"])
def test_import_reproduces_call_handling_and_is_idempotent(
    where: str,
    exported: Path,
    shared_server: LiveServer,
    target_server: LiveServer,
    source_api: httpx.Client,
) -> None:
    server = target_server if where == "other server" else shared_server
    env = cli_env(server)
    args = ["import", "--extension", TARGET, str(exported)]
    with server.client() as api:
        before = state(api, TARGET)
        dry = run(env, *args, "--dry-run")
        assert dry.returncode == 0, dry.stderr
        assert "would register forwarding number +12125550111" in dry.stdout
        assert "Dry run: nothing was changed." in dry.stdout
        assert state(api, TARGET) == before

        first = run(env, *args)
        assert first.returncode == 0, first.stderr
        imported = state(api, TARGET)
        assert comparable(imported) == comparable(state(source_api, SOURCE))
        for rule in imported["rules"].values():
            assert rule["voicemail"]["recipient"]["id"] == TARGET

        second = run(env, *args)
        assert second.returncode == 0, second.stderr
        assert "Nothing to change" in second.stdout
        assert state(api, TARGET) == imported


MALFORMED = {
    "not JSON": "{not json",
    "a list": "[]",
    "another format": json.dumps({"format": "something-else/1"}),
    "rules not a list": json.dumps(
        {
            "format": "ringforward-call-handling/1",
            "extension": "1",
            "forwardingNumbers": [],
            "businessHours": {"schedule": {}},
            "answeringRules": {"id": "x"},
        }
    ),
}


@pytest.mark.parametrize("content", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_file_exits_2_and_changes_nothing(
    content: str, tmp_path: Path, target_server: LiveServer
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with target_server.client() as api:
        before = state(api, TARGET)
        result = run(cli_env(target_server), "import", "--extension", TARGET, str(path))
        assert result.returncode == 2
        assert result.stderr.startswith("error: ")
        assert str(path) in result.stderr
        assert state(api, TARGET) == before


def test_missing_file_and_server_refusal(tmp_path: Path, target_server: LiveServer) -> None:
    env = cli_env(target_server)
    missing = run(env, "import", "--extension", TARGET, str(tmp_path / "absent.json"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr
    unknown = run(env, "export", "--extension", "99999999")
    assert unknown.returncode == 1 and unknown.stderr.startswith("error: ")
