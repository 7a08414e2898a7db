"""Twenty CLI processes adding numbers to the same rule at once lose none of them."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.client.helpers import cli_env, jwt_credential, run_cli_together
from tests.support.rest import BUSINESS, DEMO_NUMBER, EXT, A, B, call_handling
from tests.support.servers import LiveServer

WRITERS = 20
NUMBERS = [f"+1646555{100 + i:04d}" for i in range(WRITERS)]
# A group holds at most 10 numbers, so the twenty writers aim at groups 1-3 of the same
# rule (7, 7 and 6 of them). Every write still replaces the rule's whole forwarding list,
# so each writer races all the others exactly as if they all aimed at group 1.
TARGETS = [i % 3 + 1 for i in range(WRITERS)]


def prepare(server: LiveServer) -> None:
    """Group 1 = the demo number, group 2 = A, group 3 = B; the twenty numbers unknown."""
    with server.client() as client:
        ids = []
        for phone in (A, B):
            created = client.post(f"{EXT}/forwarding-number", json={"phoneNumber": phone})
            assert created.status_code == 200, created.text
            ids.append(created.json()["id"])
        rules = [
            {"index": 1, "ringCount": 3, "forwardingNumbers": [{"id": "33333333"}]},
            {"index": 2, "ringCount": 3, "forwardingNumbers": [{"id": ids[0]}]},
            {"index": 3, "ringCount": 3, "forwardingNumbers": [{"id": ids[1]}]},
        ]
        assert client.put(BUSINESS, json={"forwarding": {"rules": rules}}).status_code == 200


def add_all_at_once(server: LiveServer) -> None:
    env = cli_env(server, jwt=jwt_credential(server))
    commands = [
        ["add", phone, "--group", str(group), "--json"]
        for phone, group in zip(NUMBERS, TARGETS, strict=True)
    ]
    started = time.monotonic()
    results = run_cli_together(env, commands, timeout=240)
    elapsed = time.monotonic() - started
    for result in results:
        assert result.returncode == 0, (result.args, result.stderr)
        json.loads(result.stdout)
    with server.client() as client:
        state = call_handling(client)
    expected = [
        [DEMO_NUMBER, *(p for p, g in zip(NUMBERS, TARGETS, strict=True) if g == 1)],
        [A, *(p for p, g in zip(NUMBERS, TARGETS, strict=True) if g == 2)],
        [B, *(p for p, g in zip(NUMBERS, TARGETS, strict=True) if g == 3)],
    ]
    groups = [phones for _ring_count, phones in state.groups()]
    # Order inside a group follows who won each race; membership is what must hold.
    assert [sorted(g) for g in groups] == [sorted(g) for g in expected], f"after {elapsed:.1f}s"
    registered = [n["phoneNumber"] for n in state.numbers.values()]
    assert sorted(p for p in registered if p in NUMBERS) == sorted(NUMBERS)


def test_twenty_writers_with_etags_keep_all_twenty(live_server: LiveServer) -> None:
    prepare(live_server)
    add_all_at_once(live_server)


@pytest.fixture
def strict_server(tmp_path: Path) -> Iterator[LiveServer]:
    server = LiveServer(
        f"sqlite:///{tmp_path / 'strict.db'}",
        extra_args=["--strict-ringcentral"],
        log_path=tmp_path / "server.log",
    ).start()
    yield server
    server.stop()


def test_twenty_writers_without_etags_keep_all_twenty(strict_server: LiveServer) -> None:
    with strict_server.client() as client:
        assert "etag" not in client.get(BUSINESS).headers
    prepare(strict_server)
    add_all_at_once(strict_server)
