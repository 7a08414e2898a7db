"""``ringforward groups`` on an enhanced account: the same verbs edit RingGroupAction targets."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.client.helpers import cli_env, run_cli, run_cli_together
from tests.support import cli
from tests.support.servers import PASSWORD, LiveServer

ADMIN_EXT = "22222232"
WORK_HOURS = "/restapi/v2/accounts/~/extensions/~/comm-handling/voice/state-rules/work-hours"
NEW = "+12125550100"


def enhanced_env(server: LiveServer) -> dict[str, str]:
    env = cli_env(server)
    env.update(RINGCENTRAL_USERNAME="enhanced@example.com", RINGCENTRAL_PASSWORD=PASSWORD)
    return env


def groups(env: dict[str, str], *args: str) -> dict[str, Any]:
    result = run_cli(env, *args, "--json")
    assert result.returncode == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def members(document: dict[str, Any]) -> list[list[str]]:
    return [[n["phoneNumber"] for n in g["forwardingNumbers"]] for g in document["groups"]]


def work_hours(server: LiveServer) -> dict[str, Any]:
    with server.client("enhanced@example.com") as client:
        rule: dict[str, Any] = client.get(f"{server.base_url}{WORK_HOURS}").json()
    return rule


@pytest.fixture
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    directory = tmp_path_factory.mktemp("groups-v2")
    live = LiveServer(
        f"sqlite:///{directory / 'ringforward.db'}", log_path=directory / "server.log"
    ).start()
    yield live
    live.stop()


def test_add_puts_the_number_in_the_work_hours_ring_group_and_simulate_rings_it(
    server: LiveServer,
) -> None:
    env = enhanced_env(server)
    listed = groups(env, "list")
    assert listed["api"] == "v2" and listed["rule"] == "business-hours-rule"
    assert members(listed) == [["+16505550100"]] and listed["groups"][0]["ringCount"] == 3
    added = groups(env, "add", "(212) 555-0100", "--label", "Work")
    assert members(added) == [["+16505550100", NEW]]
    actions = work_hours(server)["dispatching"]["actions"]
    # The apps and voicemail actions were kept, the group's duration too.
    assert [a["type"] for a in actions] == [
        "RingAlwaysGroupAction",
        "RingGroupAction",
        "TerminatingAction",
    ]
    assert actions[1]["duration"] == 15
    assert actions[1]["targets"][1] == {
        "type": "PhoneNumberRingTarget",
        "name": "Work",
        "destination": {"phoneNumber": NEW},
    }
    simulation = cli.run_cli(
        "simulate", "--extension", ADMIN_EXT, "--at", "2026-11-30T10:00:00-08:00",
        "--db", server.db_url,
    )  # fmt: skip
    assert simulation.returncode == 0, simulation.stderr
    simulated = simulation.stdout
    assert f"group 1: +16505550100, {NEW}" in simulated


def test_legacy_accounts_still_say_v1(server: LiveServer) -> None:
    assert groups(cli_env(server), "list")["api"] == "v1"


def test_every_verb_on_v2(server: LiveServer) -> None:
    env = enhanced_env(server)
    a, b = "+12125550121", "+12125550122"
    groups(env, "add", a, "--new-group", "--ring-count", "2")
    document = groups(env, "add", b, "--group", "2")
    assert members(document) == [["+16505550100"], [a, b]]
    assert [g["ringCount"] for g in document["groups"]] == [3, 2]
    assert members(groups(env, "ungroup", "2")) == [["+16505550100"], [a], [b]]
    assert members(groups(env, "move", "3", "--to", "1")) == [[b], ["+16505550100"], [a]]
    assert members(groups(env, "create", a, b)) == [[b, a], ["+16505550100"]]
    set_ = groups(env, "set", "1", "--ring-count", "5")
    assert set_["groups"][0]["ringCount"] == 5
    assert groups(env, "mode", "simultaneously")["ringingMode"] == "Simultaneously"
    assert work_hours(server)["dispatching"]["type"] == "RingAtOnce"
    assert members(groups(env, "remove", a)) == [[b], ["+16505550100"]]
    dispatching = work_hours(server)["dispatching"]
    durations = [x["duration"] for x in dispatching["actions"] if x["type"] == "RingGroupAction"]
    assert durations == [25, 15]
    dry = groups(env, "add", "+12125550123", "--dry-run")
    assert members(dry)[0] == [b, "+12125550123"]
    assert work_hours(server)["dispatching"] == dispatching


def test_a_bad_number_is_refused_and_changes_nothing(server: LiveServer) -> None:
    env = enhanced_env(server)
    before = work_hours(server)
    result = run_cli(env, "add", "12")
    assert result.returncode == 1
    assert work_hours(server) == before


def test_twenty_concurrent_adds_keep_all_twenty(server: LiveServer) -> None:
    env = enhanced_env(server)
    numbers = [f"+1646555{100 + i:04d}" for i in range(20)]
    groups(env, "add", "+12125550131", "--new-group")
    groups(env, "add", "+12125550132", "--new-group")
    commands = [
        ["add", phone, "--group", str(i % 3 + 1), "--json"] for i, phone in enumerate(numbers)
    ]
    results = run_cli_together(env, commands, timeout=240)
    for result in results:
        assert result.returncode == 0, (result.args, result.stderr)
    final = groups(env, "list")
    present = {n for group in members(final) for n in group}
    assert set(numbers) <= present
    assert all(len(group) <= 10 for group in members(final))
