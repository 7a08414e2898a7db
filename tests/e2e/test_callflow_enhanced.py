"""The call-flow engine on the enhanced demo: the legacy demo's answers, from v2 data."""

from __future__ import annotations

import json
import subprocess

from tests.api.test_history import assert_matches_schema
from tests.support.cli import run_cli
from tests.support.comm_rest import (
    ENHANCED,
    ENHANCED_ADMIN_EXT,
    ENHANCED_USER_EXT,
    ring_group,
    root_client,
    transfer_to,
    v2,
)
from tests.support.servers import LiveServer

SIMULATE = f"/account/~/extension/{ENHANCED_ADMIN_EXT}/call-flow/simulate"
LEGACY_SIMULATE = "/account/~/extension/22222222/call-flow/simulate"
WEEKDAY_10AM = "2026-11-30T10:00:00-08:00"
WEEKDAY_8PM = "2026-11-30T20:00:00-08:00"


def cli_simulate(server: LiveServer, *extra: str) -> subprocess.CompletedProcess[str]:
    """``ringforward simulate --json`` of the enhanced admin at 10:00 on a weekday."""
    command = ["simulate", "--extension", ENHANCED_ADMIN_EXT, "--at", WEEKDAY_10AM, *extra]
    return run_cli(*command, "--json", "--db", server.db_url)


def _shape(flow: dict[str, object]) -> object:
    """What both generations must agree on: who rings when and how the call ends."""
    return (
        sorted((s["start"], s["end"], s["ring"]) for s in flow["steps"]),  # type: ignore[attr-defined]
        {k: v for k, v in flow["then"].items() if k != "target"},  # type: ignore[attr-defined]
    )


def test_enhanced_demo_answers_like_the_legacy_demo(shared_server: LiveServer) -> None:
    with shared_server.client(ENHANCED) as enhanced, shared_server.client() as legacy:
        for body in (
            {"at": WEEKDAY_10AM, "from": "+12065550123"},
            {"at": WEEKDAY_8PM},
            {"at": WEEKDAY_10AM, "from": "+14155550199"},
        ):
            ours = enhanced.post(SIMULATE, json=body)
            theirs = legacy.post(LEGACY_SIMULATE, json=body)
            assert ours.status_code == 200, ours.text
            assert _shape(ours.json()) == _shape(theirs.json()), body
    flow = ours.json()
    assert flow["rule"] == {"id": "55555554", "type": "InteractionRule", "name": "VIP caller"}


def test_a_patched_ring_group_shows_in_simulate_and_the_cli(shared_server: LiveServer) -> None:
    with root_client(shared_server, ENHANCED) as client:
        rule = client.get(f"{v2()}/voice/state-rules/work-hours").json()
        actions = rule["dispatching"]["actions"]
        actions.insert(-1, ring_group("+12125550160", duration=10))
        response = client.patch(
            f"{v2()}/voice/state-rules/work-hours",
            json={"dispatching": {"type": "RingInOrder", "actions": actions}},
        )
        assert response.status_code == 200, response.text
    result = cli_simulate(shared_server)
    assert result.returncode == 0, result.stderr
    flow = json.loads(result.stdout)
    assert (15, 25, ["+12125550160"]) in [(s["start"], s["end"], s["ring"]) for s in flow["steps"]]
    assert flow["then"] == {
        "action": "Voicemail",
        "at": 25,
        "target": ENHANCED_ADMIN_EXT,
        "reason": None,
    }


def test_a_v2_transfer_is_followed_by_the_api_and_the_cli(shared_server: LiveServer) -> None:
    """An interaction rule that hands one caller over to the colleague: both edges show the
    call continuing with the colleague's own v2 call handling, as v1 would."""
    caller = "+12065550177"
    with root_client(shared_server, ENHANCED) as client:
        created = client.post(
            f"{v2()}/voice/interaction-rules",
            json={
                "displayName": "To my colleague",
                "enabled": True,
                "conditions": [
                    {
                        "type": "Interaction",
                        "from": [{"phoneNumber": caller, "name": "x"}],
                        "to": [],
                    }
                ],
                "dispatching": {"type": "Terminate", "actions": [transfer_to(ENHANCED_USER_EXT)]},
            },
        )
        assert created.status_code == 201, created.text
        try:
            with shared_server.client(ENHANCED) as rest:
                api = rest.post(SIMULATE, json={"at": WEEKDAY_10AM, "from": caller}).json()
            result = cli_simulate(shared_server, "--from", caller)
        finally:
            client.delete(f"{v2()}/voice/interaction-rules/{created.json()['id']}")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == api
    # The answer is the one the published OpenAPI document describes, hops included.
    assert_matches_schema(shared_server.base_url, api, "CallFlowSimulation")
    assert api["rule"]["id"] == created.json()["id"]
    assert [(hop["extension"], hop["at"], hop["rule"]["id"]) for hop in api["transfers"]] == [
        (ENHANCED_USER_EXT, 0, "work-hours")
    ]
    assert {step["extension"] for step in api["steps"]} == {ENHANCED_USER_EXT}
    assert api["then"]["action"] == "Voicemail" and api["then"]["target"] == ENHANCED_USER_EXT
    assert api["loop"] is None
