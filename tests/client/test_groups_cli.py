"""``ringforward groups`` against a live server: each verb changes exactly what it says."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.client.helpers import cli_env, run_cli
from tests.support.rest import DEMO_NUMBER as D
from tests.support.rest import (
    LABELS,
    A,
    B,
    C,
    Snapshot,
    call_handling,
    everything_else,
    reset_to_baseline,
)
from tests.support.servers import LiveServer

NEW = "+16465550142"
Groups = list[tuple[int, list[str]]]
BASELINE: Groups = [(3, [D, A]), (2, [B])]

# (CLI arguments, the forwarding list they must leave, the ringing mode they must leave)
VERBS: list[tuple[list[str], Groups, str]] = [
    (["add", C, "--group", "2"], [(3, [D, A]), (2, [B, C])], "Sequentially"),
    (["add", "(212) 555-0113"], [(3, [D, A, C]), (2, [B])], "Sequentially"),
    (["add", "212.555.0113", "--new-group"], [(3, [D, A]), (2, [B]), (4, [C])], "Sequentially"),
    (["add", C, "--group", "2", "--ring-count", "5"], [(3, [D, A]), (5, [B, C])], "Sequentially"),
    (["add", B, "--group", "1"], [(3, [D, A, B])], "Sequentially"),
    (["remove", "212-555-0111"], [(3, [D]), (2, [B])], "Sequentially"),
    (["create", A, B], [(3, [D, A, B])], "Sequentially"),
    (["create", C, B, "--ring-count", "6"], [(3, [D, A]), (6, [B, C])], "Sequentially"),
    (["ungroup", "1"], [(3, [D]), (3, [A]), (2, [B])], "Sequentially"),
    (["move", "2", "--to", "1"], [(2, [B]), (3, [D, A])], "Sequentially"),
    (["set", "2", "--ring-count", "7"], [(3, [D, A]), (7, [B])], "Sequentially"),
    (["mode", "simultaneously"], BASELINE, "Simultaneously"),
]


@pytest.fixture(scope="module")
def api(shared_server: LiveServer) -> Iterator[httpx.Client]:
    with shared_server.client() as client:
        yield client


@pytest.fixture(scope="module")
def env(shared_server: LiveServer) -> dict[str, str]:
    return cli_env(shared_server)


@pytest.fixture
def base(api: httpx.Client) -> Snapshot:
    state = reset_to_baseline(api)
    assert state.groups() == BASELINE
    return state


def entry(state: Snapshot, phone: str) -> dict[str, Any]:
    return {"id": state.id_of(phone), "phoneNumber": phone, "label": LABELS.get(phone, "")}


def documented(state: Snapshot) -> dict[str, Any]:
    """The ``groups list --json`` document as it must read for this state of the server."""
    forwarding = state.forwarding()
    active = [e for e in forwarding["rules"] if e.get("enabled", True)]
    inactive = [e for e in forwarding["rules"] if not e.get("enabled", True)]
    return {
        "rule": "business-hours-rule",
        "ringingMode": forwarding["ringingMode"],
        "groups": [
            {
                "index": e["index"],
                "ringCount": e["ringCount"],
                "forwardingNumbers": [
                    {"id": n["id"], "phoneNumber": n["phoneNumber"], "label": n["label"]}
                    for n in e["forwardingNumbers"]
                ],
            }
            for e in active
        ],
        "inactive": [
            {"id": n["id"], "phoneNumber": n["phoneNumber"], "label": n["label"]}
            for e in inactive
            for n in e["forwardingNumbers"]
        ],
        "api": "v1",
    }


def phones_of(document: dict[str, Any]) -> Groups:
    return [
        (g["ringCount"], [n["phoneNumber"] for n in g["forwardingNumbers"]])
        for g in document["groups"]
    ]


def test_list_json_prints_the_documented_document(env: dict[str, str], base: Snapshot) -> None:
    result = run_cli(env, "list", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "rule": "business-hours-rule",
        "ringingMode": "Sequentially",
        "groups": [
            {"index": 1, "ringCount": 3, "forwardingNumbers": [entry(base, D), entry(base, A)]},
            {"index": 2, "ringCount": 2, "forwardingNumbers": [entry(base, B)]},
        ],
        "inactive": [entry(base, C)],
        "api": "v1",
    }
    assert json.loads(result.stdout) == documented(base)


def test_list_prints_a_readable_table(
    env: dict[str, str], api: httpx.Client, base: Snapshot
) -> None:
    result = run_cli(env, "list")
    assert result.returncode == 0, result.stderr
    for text in ("business-hours-rule", "Sequentially", D, A, B, C, "Alpha", "inactive"):
        assert text in result.stdout
    assert call_handling(api) == base


@pytest.mark.parametrize(("args", "groups", "mode"), VERBS, ids=[" ".join(v[0]) for v in VERBS])
def test_each_verb_changes_exactly_what_it_says(
    env: dict[str, str],
    api: httpx.Client,
    base: Snapshot,
    args: list[str],
    groups: Groups,
    mode: str,
) -> None:
    result = run_cli(env, *args, "--json")
    assert result.returncode == 0, result.stderr
    after = call_handling(api)
    assert after.groups() == groups
    assert after.forwarding()["ringingMode"] == mode
    assert everything_else(after, keep_mode=False) == everything_else(base, keep_mode=False)
    assert after.numbers == base.numbers
    assert json.loads(result.stdout) == documented(after)


def test_add_registers_a_missing_number_and_changes_nothing_else(
    env: dict[str, str], api: httpx.Client, base: Snapshot
) -> None:
    result = run_cli(env, "add", "+1 (646) 555-0142", "--label", "Desk [2]", "--group", "2")
    assert result.returncode == 0, result.stderr
    assert "Registered +16465550142" in result.stdout
    assert "Desk [2]" in result.stdout
    after = call_handling(api)
    assert after.groups() == [(3, [D, A]), (2, [B, NEW])]
    added = set(after.numbers) - set(base.numbers)
    assert len(added) == 1
    assert after.numbers[added.pop()]["label"] == "Desk [2]"
    assert {k: v for k, v in after.numbers.items() if k in base.numbers} == base.numbers
    assert everything_else(after) == everything_else(base)


def test_adding_a_number_already_in_the_group_is_a_no_op(
    env: dict[str, str], api: httpx.Client, base: Snapshot
) -> None:
    result = run_cli(env, "add", A, "--group", "1")
    assert result.returncode == 0, result.stderr
    assert "Nothing to change" in result.stdout
    assert call_handling(api) == base


def test_dry_run_of_every_verb_changes_nothing_and_shows_the_result(
    env: dict[str, str], api: httpx.Client, base: Snapshot
) -> None:
    # One case of each verb (the full table runs for real above).
    cases = [VERBS[i] for i in (0, 5, 6, 8, 9, 10, 11)]
    commands = [[*args, "--dry-run", "--json"] for args, _g, _m in cases]
    commands.append(["add", NEW, "--label", "New Phone", "--dry-run", "--json"])
    results = [run_cli(env, *command) for command in commands]
    assert call_handling(api) == base, "a dry run changed the server"
    for (args, groups, mode), result in zip(cases, results, strict=False):
        assert result.returncode == 0, (args, result.stderr)
        document = json.loads(result.stdout)
        assert (phones_of(document), document["ringingMode"]) == (groups, mode), args
    pending = json.loads(results[-1].stdout)
    assert pending["groups"][0]["forwardingNumbers"][-1] == {
        "id": None,
        "phoneNumber": NEW,
        "label": "New Phone",
    }


def test_dry_run_prints_the_difference_of_the_forwarding_list(
    env: dict[str, str], api: httpx.Client, base: Snapshot
) -> None:
    result = run_cli(env, "add", C, "--group", "2", "--dry-run")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "Dry run: nothing was changed." in lines
    assert f"-group 2 (2 rings): {B} (Bravo)" in lines
    assert f"+group 2 (2 rings): {B} (Bravo), {C} (Charlie)" in lines
    assert f"-inactive: {C} (Charlie)" in lines
    assert call_handling(api) == base


ERRORS: list[tuple[list[str], str]] = [
    (["add", "not a number"], "Parameter [phoneNumber] value is invalid"),
    (["add", C, "--group", "5"], "Ring group 5 does not exist"),
    (["remove", C], "is not in the forwarding list"),
    (["remove", NEW], "+16465550142 is not one of the extension's forwarding numbers"),
    (["create", A], "at least 2"),
    (["ungroup", "9"], "Ring group 9 does not exist"),
    (["move", "1", "--to", "5"], "must be between 1 and 2"),
    (["set", "1", "--ring-count", "99"], "must be between 1 and 15 rings"),
    (["list", "--rule", "77777777"], "Resource for parameter [ruleId] is not found"),
    (["list", "--password", "wrong-password"], "OAU-"),
]


def test_refused_operations_exit_1_with_the_message_and_change_nothing(
    env: dict[str, str], api: httpx.Client, base: Snapshot
) -> None:
    results = [run_cli(env, *args) for args, _message in ERRORS]
    for (args, message), result in zip(ERRORS, results, strict=True):
        assert result.returncode == 1, (args, result.stdout, result.stderr)
        assert message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr
    assert call_handling(api) == base


USAGE: list[list[str]] = [
    ["add"],
    ["add", C, "--group", "1", "--new-group"],
    ["move", "1"],
    ["mode", "Loudly"],
]


def test_usage_errors_exit_2(env: dict[str, str], api: httpx.Client, base: Snapshot) -> None:
    results = [run_cli(env, *args) for args in USAGE]
    no_server = {k: v for k, v in env.items() if k != "RINGCENTRAL_SERVER_URL"}
    results.append(run_cli(no_server, "list"))
    for result in results:
        assert result.returncode == 2, (result.args, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
    assert "RINGCENTRAL_SERVER_URL" in results[-1].stderr
    assert call_handling(api) == base
