"""Simulations answered from memory in front of the router (``api/fast_simulate.py``)
answer exactly what the full application answers: the same status, headers and body,
the same rate-limit counting, every change seen on the very next request, and a call
that happens "now" (no ``at``) never answered from memory, so never stale across a
schedule's boundary.

Each request of the grid is sent with the fast path switched off (the full application
answers), then twice with it on: the second of those is answered from memory whenever the
request is one the fast path may answer, which the server's counts prove.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, tzinfo
from pathlib import Path

import httpx
import pytest

from ringforward.service import callflow
from tests.api import test_fast_reads
from tests.api.test_fast_reads import (
    count_mark_reads,
    counts,
    limited_server,
    remaining,
    steady,
)
from tests.api.test_security import revoke
from tests.support.comm_rest import ENHANCED
from tests.support.rest import ACCOUNT_ID, ADMIN, ADMIN_EXT, OTHER_ACCOUNT_ID, OTHER_EXT, USER
from tests.support.servers import LiveServer

SIMULATE = "/restapi/v1.0/account/~/extension/~/call-flow/simulate"
RULE = "/restapi/v1.0/account/~/extension/~/answering-rule/business-hours-rule"
JSON = {"Content-Type": "application/json"}
MONDAY = {"at": "2026-11-30T10:00", "from": "+12065550123"}


def simulate_path(extension: str, account: str = "~") -> str:
    return f"/restapi/v1.0/account/{account}/extension/{extension}/call-flow/simulate"


# The fast GETs' server: the demo, rate limits on and out of reach.
server = test_fast_reads.server


def post(
    server: LiveServer,
    token: str | None,
    body: bytes,
    headers: dict[str, str] | None = None,
    path: str = SIMULATE,
) -> httpx.Response:
    sent = dict(headers if headers is not None else JSON)
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    return httpx.post(f"{server.base_url}{path}", content=body, headers=sent, timeout=30)


def compare(
    server: LiveServer,
    token: str | None,
    body: bytes,
    headers: dict[str, str] | None = None,
    path: str = SIMULATE,
) -> tuple[httpx.Response, bool]:
    """The full application's answer and the fast path's, which must be equal; whether
    the fast path answered the second time from memory."""
    server.app.state.fast_reads = False
    full = post(server, token, body, headers, path)
    server.app.state.fast_reads = True
    post(server, token, body, headers, path)
    before = counts(server)
    fast = post(server, token, body, headers, path)
    answered = counts(server)[0] > before[0]
    assert (fast.status_code, steady(fast), fast.content) == (
        full.status_code,
        steady(full),
        full.content,
    ), (body, headers, path)
    if remaining(full) is not None:
        # Each of the three requests spent one request of the same budget.
        assert remaining(fast) == remaining(full) - 2  # type: ignore[operator]
    return full, answered


def encoded(value: object) -> bytes:
    return json.dumps(value).encode()


class _Clock(datetime):
    """``datetime`` whose ``now`` is set by the test."""

    moment = datetime(2026, 12, 5, 1, 59, 30, tzinfo=UTC)

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> _Clock:
        moment = cls.moment.astimezone(tz) if tz else cls.moment.replace(tzinfo=None)
        return cls.fromtimestamp(moment.timestamp(), tz)


# (login, body, request headers (None: JSON), path, status, answered from memory)
GRID: list[tuple[str | None, bytes, dict[str, str] | None, str, int, bool]] = [
    (ADMIN, encoded(MONDAY), None, SIMULATE, 200, True),
    (ADMIN, encoded({**MONDAY, "to": "+16505550100"}), None, SIMULATE, 200, True),
    (ADMIN, encoded({"at": "2026-12-05T23:30:00Z"}), None, SIMULATE, 200, True),
    (ADMIN, b' {"from" : "+12065550123",\n "at":"2026-11-30T10:00"} ', None, SIMULATE, 200, True),
    (
        ADMIN,
        encoded(MONDAY),
        {"Content-Type": "application/json; charset=utf-8"},
        SIMULATE,
        200,
        True,
    ),
    (ADMIN, encoded(MONDAY), {**JSON, "Host": "calls.example.test"}, SIMULATE, 200, True),
    (ADMIN, encoded(MONDAY), None, simulate_path(ADMIN_EXT, ACCOUNT_ID), 200, True),
    (ENHANCED, encoded(MONDAY), None, SIMULATE, 200, True),
    # A call "now" changes with the clock: never kept.
    (ADMIN, encoded({"from": "+12065550123"}), None, SIMULATE, 200, False),
    (ADMIN, encoded({"at": "", "from": "+12065550123"}), None, SIMULATE, 200, False),
    (ADMIN, encoded({**MONDAY, "at": None}), None, SIMULATE, 200, False),
    (ADMIN, b"[]", None, SIMULATE, 200, False),
    (ADMIN, b"", None, SIMULATE, 200, False),
    # Anything unusual goes the full way, and so does every error.
    (ADMIN, encoded({**MONDAY, "note": "x"}), None, SIMULATE, 200, False),
    (ADMIN, encoded(MONDAY), {**JSON, "Cache-Control": "no-cache"}, SIMULATE, 200, False),
    (ADMIN, encoded(MONDAY), {**JSON, "X-Custom": "1"}, SIMULATE, 200, False),
    (ADMIN, encoded(MONDAY), None, f"{SIMULATE}?x=1", 200, False),
    (ADMIN, encoded(MONDAY), None, simulate_path("%7E"), 200, False),
    (ADMIN, json.dumps(MONDAY).encode("utf-16"), None, SIMULATE, 400, False),
    (ADMIN, encoded({**MONDAY, "at": 5}), None, SIMULATE, 400, False),
    (ADMIN, encoded({**MONDAY, "at": "soon"}), None, SIMULATE, 400, False),
    (ADMIN, encoded({**MONDAY, "from": "not a number"}), None, SIMULATE, 400, False),
    (ADMIN, b'{"at": NaN}', None, SIMULATE, 400, False),
    (ADMIN, b"{", None, SIMULATE, 400, False),
    (ADMIN, encoded(MONDAY), {"Content-Type": "text/plain"}, SIMULATE, 415, False),
    (ADMIN, encoded(MONDAY), None, simulate_path(OTHER_EXT, OTHER_ACCOUNT_ID), 404, False),
    (USER, encoded(MONDAY), None, simulate_path(ADMIN_EXT), 403, False),
    (None, encoded(MONDAY), None, SIMULATE, 401, False),
    ("bad", encoded(MONDAY), None, SIMULATE, 401, False),
]


def test_the_fast_path_answers_what_the_full_application_answers(
    server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A stopped clock, so that answers for a call "now" can be compared byte for byte.
    monkeypatch.setattr(callflow, "datetime", _Clock)
    tokens: dict[str | None, str | None] = {
        login: server.token(login) for login in (ADMIN, USER, ENHANCED)
    }
    tokens[None] = None
    tokens["bad"] = "not-a-token"
    for login, body, headers, path, status, from_memory in GRID:
        full, answered = compare(server, tokens[login], body, headers, path)
        assert full.status_code == status, (body, path, full.text)
        assert answered == from_memory, (body, headers, path)


def test_bodies_describing_one_call_share_one_answer(server: LiveServer) -> None:
    token = server.token(ADMIN)
    first = post(server, token, encoded(MONDAY))
    before = counts(server)[0]
    spaced = post(server, token, b'{ "from": "+12065550123", "at": "2026-11-30T10:00" }')
    assert counts(server)[0] == before + 1
    assert spaced.content == first.content


def test_a_write_is_seen_by_the_next_simulation(server: LiveServer) -> None:
    token = server.token(ADMIN)
    auth = {"Authorization": f"Bearer {token}"}
    for count in (4, 2):
        compare(server, token, encoded(MONDAY))
        group = {"index": 1, "ringCount": count, "forwardingNumbers": [{"id": "33333333"}]}
        body = {"forwarding": {"rules": [group]}}
        assert httpx.put(f"{server.base_url}{RULE}", json=body, headers=auth).is_success
        flow = post(server, token, encoded(MONDAY)).json()
        group_step = next(step for step in flow["steps"] if step["group"] == 1)
        assert group_step["end"] - group_step["start"] == count * 5, flow
        compare(server, token, encoded(MONDAY))


def test_a_call_now_is_never_stale_across_a_schedule_boundary(
    server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Friday 17:59:30 in Los Angeles the business-hours rule answers, thirty seconds
    after 18:00 the after-hours one: a call "now" follows the clock, never memory."""
    token = server.token(ADMIN)
    monkeypatch.setattr(callflow, "datetime", _Clock)
    rules = []
    for moment in ("2026-12-05T01:59:30+00:00", "2026-12-05T02:00:30+00:00"):
        _Clock.moment = datetime.fromisoformat(moment)
        before = counts(server)[0]
        answers = [post(server, token, encoded({"from": "+12065550123"})) for _ in range(3)]
        assert counts(server)[0] == before, "a call now is not answered from memory"
        assert len({answer.content for answer in answers}) == 1
        rules.append(answers[0].json()["rule"]["id"])
    assert rules == ["business-hours-rule", "after-hours-rule"]


def test_a_revoked_token_is_refused_on_the_next_simulation(server: LiveServer) -> None:
    token = server.token(ADMIN)
    compare(server, token, encoded(MONDAY))
    revoke(server, token)
    refused = post(server, token, encoded(MONDAY))
    assert refused.status_code == 401
    server.app.state.fast_reads = False
    assert post(server, token, encoded(MONDAY)).content == refused.content


def test_the_rate_limit_counts_and_refuses_simulations_from_memory(
    database_url: str, tmp_path: Path
) -> None:
    with limited_server(database_url, tmp_path, "Light=4") as limited:
        token = limited.token(ADMIN)
        answers = [post(limited, token, encoded(MONDAY)) for _ in range(5)]
        assert [a.status_code for a in answers] == [200, 200, 200, 200, 429]
        assert [remaining(a) for a in answers] == [3, 2, 1, 0, 0]
        assert counts(limited)[0] >= 2, "answered from memory"
        limited.app.state.fast_reads = False
        full = post(limited, token, encoded(MONDAY))
        assert (full.status_code, full.content) == (429, answers[-1].content)


def test_a_simulation_from_memory_reads_the_change_mark_once(
    server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = server.token(ADMIN)
    post(server, token, encoded(MONDAY))
    reads = count_mark_reads(monkeypatch)
    before = counts(server)[0]
    assert post(server, token, encoded(MONDAY)).status_code == 200
    assert counts(server)[0] == before + 1
    assert len(reads) == 1
