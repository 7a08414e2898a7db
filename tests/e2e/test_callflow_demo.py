"""The call-flow engine on the demo data, through the API and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import run_cli
from tests.support.servers import LiveServer
from tests.support.spec import assert_ringcentral_error

SIMULATE = "/account/~/extension/22222222/call-flow/simulate"
WEEKDAY_10AM = "2026-11-30T10:00:00-08:00"  # a Monday, Los Angeles time
WEEKDAY_8PM = "2026-11-30T20:00:00-08:00"


def assert_shape(flow: dict[str, object]) -> None:
    assert set(flow) >= {"rule", "action", "steps", "then"}
    assert set(flow["rule"]) >= {"id", "type", "name"}  # type: ignore[arg-type]
    for step in flow["steps"]:  # type: ignore[attr-defined]
        assert set(step) >= {"start", "end", "group", "ring"}
    assert set(flow["then"]) >= {"action", "at", "target"}  # type: ignore[arg-type]


def test_weekday_morning_rings_apps_and_the_phone_then_voicemail(
    shared_server: LiveServer,
) -> None:
    with shared_server.client() as client:
        flow = client.post(SIMULATE, json={"at": WEEKDAY_10AM, "from": "+12065550123"}).json()
    assert_shape(flow)
    assert flow["rule"] == {
        "id": "business-hours-rule",
        "type": "BusinessHours",
        "name": "Work Hours",
    }
    rings = sorted((s["start"], s["end"], s["ring"]) for s in flow["steps"])
    assert rings == [(0, 15, ["+16505550100"]), (0, 15, ["apps"])]
    assert flow["then"]["action"] == "Voicemail" and flow["then"]["at"] == 15


def test_evening_goes_to_voicemail_at_once(shared_server: LiveServer) -> None:
    with shared_server.client() as client:
        flow = client.post(SIMULATE, json={"at": WEEKDAY_8PM}).json()
    assert flow["rule"]["id"] == "after-hours-rule"
    assert flow["action"] == "TakeMessagesOnly"
    assert flow["steps"] == []
    assert flow["then"]["action"] == "Voicemail" and flow["then"]["at"] == 0


def test_vip_caller_is_answered_by_the_custom_rule_and_forwarded(
    shared_server: LiveServer,
) -> None:
    with shared_server.client() as client:
        flow = client.post(SIMULATE, json={"at": WEEKDAY_10AM, "from": "+14155550199"}).json()
    assert flow["rule"] == {"id": "55555555", "type": "Custom", "name": "VIP caller"}
    assert flow["action"] == "UnconditionalForwarding"
    assert flow["then"]["action"] == "Forward"
    assert flow["then"]["at"] == 0 and flow["then"]["target"] == "+16505550100"


def test_simulate_refuses_bad_input_and_foreign_extensions(shared_server: LiveServer) -> None:
    with shared_server.client() as client:
        assert_ringcentral_error(client.post(SIMULATE, json={"at": "tomorrow"}), 400, "at")
        assert_ringcentral_error(client.post(SIMULATE, json={"from": "12"}), 400, "from")
        assert_ringcentral_error(client.post(SIMULATE, json={"at": 5}), 400, "at")
        foreign = client.post("/account/99999999/extension/88888888/call-flow/simulate", json={})
        assert_ringcentral_error(foreign, 404)
    with shared_server.client("user@example.com") as client:
        assert_ringcentral_error(client.post(SIMULATE, json={}), 403)


def test_strict_mode_has_no_call_flow_endpoint(tmp_path: Path) -> None:
    server = LiveServer(f"sqlite:///{tmp_path / 'strict.db'}", extra_args=["--strict-ringcentral"])
    server.start()
    try:
        with server.client() as client:
            assert_ringcentral_error(client.post(SIMULATE, json={}), 404)
    finally:
        server.stop()


@pytest.mark.parametrize(
    ("at", "caller", "rule_id", "final"),
    [
        ("2026-11-30T10:00:00", None, "business-hours-rule", ("Voicemail", 15)),
        ("2026-11-30T20:00:00", None, "after-hours-rule", ("Voicemail", 0)),
        ("2026-11-30T10:00:00", "(415) 555-0199", "55555555", ("Forward", 0)),
    ],
)
def test_cli_simulate_prints_the_same_document(
    shared_server: LiveServer, at: str, caller: str | None, rule_id: str, final: tuple[str, int]
) -> None:
    command = [
        "simulate",
        "--extension",
        "22222222",
        "--at",
        at,
        "--db",
        shared_server.db_url,
    ]
    if caller:
        command += ["--from", caller]
    result = run_cli(*command, "--json")
    assert result.returncode == 0, result.stderr
    flow = json.loads(result.stdout)
    assert_shape(flow)
    assert flow["rule"]["id"] == rule_id
    assert (flow["then"]["action"], flow["then"]["at"]) == final
    text = run_cli(*command)
    assert text.returncode == 0, text.stderr
    assert rule_id in text.stdout and final[0] in text.stdout


def test_cli_simulate_unknown_extension_exits_1(shared_server: LiveServer) -> None:
    result = run_cli("simulate", "--extension", "404", "--db", shared_server.db_url)
    assert result.returncode == 1 and "does not exist" in result.stderr
