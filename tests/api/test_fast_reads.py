"""The hot GETs answered from memory in front of the router (``api/fast_reads.py``) answer
exactly what the full application answers: the same status, headers and body, the same
rate-limit counting, and every change (a write, a revocation, a disabled extension, a lost
admin flag) seen on the very next request, on both backends.

Each request of the grid is sent with the fast path switched off (the full application
answers), then twice with it on: the second of those is answered from memory whenever the
request is one the fast path may answer, which the server's counts prove.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from ringforward.store.shared_mark import SharedMark
from tests.api.test_security import revoke
from tests.service.test_principal_cache import count_statements
from tests.support.comm_rest import ENHANCED, ENHANCED_ACCOUNT_ID, ENHANCED_USER_EXT
from tests.support.rest import (
    ACCOUNT_ID,
    ADMIN,
    ADMIN_EXT,
    OTHER_ACCOUNT_ID,
    OTHER_EXT,
    USER,
    USER_EXT,
)
from tests.support.servers import LiveServer

RULE = "/restapi/v1.0/account/~/extension/~/answering-rule/business-hours-rule"
HOURS = "/restapi/v1.0/account/~/extension/~/business-hours"
NUMBERS = "/restapi/v1.0/account/~/extension/~/forwarding-number"
LIMITED = {"RINGFORWARD_RATE_LIMITS": "default"}
# Headers that differ between two answers to one request whatever answers them.
PER_REQUEST = {"date", "x-rate-limit-remaining"}


@contextmanager
def limited_server(database_url: str, directory: Path, budget: str) -> Iterator[LiveServer]:
    """A server of its own with rate limits on and ``budget`` overriding a group's."""
    env = {**LIMITED, "RINGFORWARD_RATE_LIMIT_OVERRIDES": budget}
    limited = LiveServer(database_url, env=env, log_path=directory / "limited.log").start()
    try:
        yield limited
    finally:
        limited.stop()


def v1(extension: str, resource: str, account: str = "~") -> str:
    return f"/restapi/v1.0/account/{account}/extension/{extension}/{resource}"


def v2(extension: str, resource: str, account: str = "~") -> str:
    return f"/restapi/v2/accounts/{account}/extensions/{extension}/comm-handling/{resource}"


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    # An hour's window: on a busy machine the grid outlasts a minute, and requests leaving
    # a moving window would move X-Rate-Limit-Remaining between two compared answers.
    overrides = "Light=100000/3600,Medium=100000/3600"
    env = {**LIMITED, "RINGFORWARD_RATE_LIMIT_OVERRIDES": overrides}
    started = LiveServer(database_url, env=env, log_path=tmp_path / "server.log").start()
    yield started
    started.stop()


def counts(server: LiveServer) -> tuple[int, int]:
    found = server.app.state.fast_read_counts
    return found.answered, found.passed


def send(
    server: LiveServer, token: str | None, path: str, headers: dict[str, str] | None = None
) -> httpx.Response:
    sent = dict(headers or {})
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    return httpx.get(f"{server.base_url}{path}", headers=sent, timeout=30)


def steady(response: httpx.Response) -> list[tuple[str, str]]:
    return [(k, v) for k, v in response.headers.multi_items() if k not in PER_REQUEST]


def remaining(response: httpx.Response) -> int | None:
    value = response.headers.get("x-rate-limit-remaining")
    return None if value is None else int(value)


def compare(
    server: LiveServer, token: str | None, path: str, headers: dict[str, str] | None = None
) -> tuple[httpx.Response, bool]:
    """The full application's answer and the fast path's, which must be equal; whether
    the fast path answered the second time from memory."""
    server.app.state.fast_reads = False
    full = send(server, token, path, headers)
    server.app.state.fast_reads = True
    send(server, token, path, headers)
    before = counts(server)
    fast = send(server, token, path, headers)
    answered = counts(server)[0] > before[0]
    assert (fast.status_code, steady(fast), fast.content) == (
        full.status_code,
        steady(full),
        full.content,
    ), path
    if remaining(full) is not None:
        # Each of the three requests spent one request of the same budget.
        assert remaining(fast) == remaining(full) - 2  # type: ignore[operator]
    return full, answered


# (login, path, request headers, status, answered from memory the second time)
GRID: list[tuple[str | None, str, dict[str, str], int, bool]] = [
    (ADMIN, RULE, {}, 200, True),
    # The links in a body are built on the Host asked for: kept apart per host.
    (ADMIN, RULE, {"Host": "calls.example.test"}, 200, True),
    (ADMIN, RULE, {"X-Forwarded-Host": "calls.example.test"}, 200, False),
    (ADMIN, v1("~", "answering-rule/after-hours-rule"), {}, 200, True),
    (ADMIN, f"{RULE}?showInactiveNumbers=true", {}, 200, True),
    (ADMIN, v1(ADMIN_EXT, "answering-rule/business-hours-rule", ACCOUNT_ID), {}, 200, True),
    (ADMIN, v1(USER_EXT, "answering-rule/business-hours-rule"), {}, 200, True),
    (ADMIN, v1("~", "answering-rule/12345"), {}, 404, False),
    (ADMIN, v1("~", "answering-rule/nonsense-rule"), {}, 404, False),
    (ADMIN, f"{RULE}?showInactiveNumbers=maybe", {}, 400, False),
    (ADMIN, f"{RULE}?unknown=1", {}, 200, False),
    (ADMIN, NUMBERS, {}, 200, True),
    (ADMIN, f"{NUMBERS}?page=1&perPage=1", {}, 200, True),
    (ADMIN, f"{NUMBERS}?perPage=abc", {}, 400, False),
    (ADMIN, f"{NUMBERS}?page=1001", {}, 400, False),
    (ADMIN, v1(ADMIN_EXT, "forwarding-number", ACCOUNT_ID), {}, 200, True),
    (ADMIN, HOURS, {}, 200, True),
    (ADMIN, v1(USER_EXT, "business-hours"), {}, 200, True),
    (ADMIN, v1(OTHER_EXT, "business-hours", OTHER_ACCOUNT_ID), {}, 404, False),
    (ADMIN, v1(OTHER_EXT, "forwarding-number", OTHER_ACCOUNT_ID), {}, 404, False),
    (ADMIN, v1("~", "answering-rule/business-hours-rule", OTHER_ACCOUNT_ID), {}, 404, False),
    (ADMIN, v1("99999", "business-hours"), {}, 404, False),
    (USER, v1(ADMIN_EXT, "answering-rule/business-hours-rule"), {}, 403, False),
    (USER, v1(ADMIN_EXT, "forwarding-number"), {}, 403, False),
    (USER, v1(ADMIN_EXT, "business-hours"), {}, 403, False),
    (USER, HOURS, {}, 200, True),
    (None, RULE, {}, 401, False),
    ("bad", RULE, {}, 401, False),
    ("bad", NUMBERS, {}, 401, False),
    (ADMIN, HOURS, {"Cache-Control": "no-cache"}, 200, False),
    (ADMIN, RULE, {"Cache-Control": "max-age=0, no-store"}, 200, False),
    (ADMIN, RULE, {"If-None-Match": '"1"'}, 200, False),
    (ADMIN, v1("~", "answering-rule/business-hours-rule/"), {}, 307, False),
    (ADMIN, v1("%7E", "business-hours"), {}, 200, False),
    # The v2 reads: refused on a legacy account, answered on the enhanced one.
    (ADMIN, v2("~", "states"), {}, 403, False),
    (ENHANCED, v2("~", "states"), {}, 200, True),
    (ENHANCED, f"{v2('~', 'states')}?perPage=2", {}, 200, True),
    (ENHANCED, v2("~", "states/work-hours"), {}, 200, True),
    (ENHANCED, v2("~", "states/nonsense"), {}, 404, False),
    (ENHANCED, v2("~", "voice/state-rules"), {}, 200, True),
    (ENHANCED, v2(ENHANCED_USER_EXT, "voice/state-rules/dnd", ENHANCED_ACCOUNT_ID), {}, 200, True),
    (ENHANCED, v2("~", "voice/state-rules", ACCOUNT_ID), {}, 404, False),
]


def test_the_fast_path_answers_what_the_full_application_answers(server: LiveServer) -> None:
    tokens: dict[str | None, str | None] = {
        login: server.token(login) for login in (ADMIN, USER, ENHANCED)
    }
    tokens[None] = None
    tokens["bad"] = "not-a-token"
    for login, path, headers, status, from_memory in GRID:
        full, answered = compare(server, tokens[login], path, headers)
        assert full.status_code == status, (path, full.text)
        assert answered == from_memory, path
        if "Host" in headers:
            assert headers["Host"] in full.text
        if path.endswith("-rule") and status == 200:
            assert "etag" in full.headers


def test_a_second_authorization_header_is_not_the_one_that_counts(server: LiveServer) -> None:
    colleague = v1(ADMIN_EXT, "business-hours")
    admin, user = server.token(ADMIN), server.token(USER)
    compare(server, admin, colleague)  # the admin's answer is kept
    both = [("Authorization", f"Bearer {user}"), ("Authorization", f"Bearer {admin}")]
    answers = []
    for fast in (False, True):
        server.app.state.fast_reads = fast
        answers.append(httpx.get(f"{server.base_url}{colleague}", headers=both))
    assert [a.status_code for a in answers] == [403, 403]
    assert answers[0].content == answers[1].content


def test_a_write_is_read_back_at_once_and_every_answer_stays_equal(server: LiveServer) -> None:
    token = server.token(ADMIN)
    auth = {"Authorization": f"Bearer {token}"}
    for count in (4, 3):
        compare(server, token, RULE)
        group = {"index": 1, "ringCount": count, "forwardingNumbers": [{"id": "33333333"}]}
        body = {"forwarding": {"rules": [group]}}
        written = httpx.put(f"{server.base_url}{RULE}", json=body, headers=auth)
        assert written.status_code == 200
        read = send(server, token, RULE)
        assert read.json()["forwarding"]["rules"][0]["ringCount"] == count
        assert read.headers["etag"] == written.headers["etag"]
        compare(server, token, RULE)
    week = {"schedule": {"weeklyRanges": {"friday": [{"from": "07:00", "to": "08:00"}]}}}
    compare(server, token, HOURS)
    assert httpx.put(f"{server.base_url}{HOURS}", json=week, headers=auth).status_code == 200
    assert send(server, token, HOURS).json()["schedule"] == week["schedule"]
    listed = compare(server, token, NUMBERS)[0].json()["records"]
    gone = listed[-1]["id"]
    deleted = httpx.delete(f"{server.base_url}{NUMBERS}/{gone}", headers=auth)
    assert deleted.status_code == 204
    assert gone not in [n["id"] for n in send(server, token, NUMBERS).json()["records"]]


def cached_twice(server: LiveServer, token: str, path: str) -> None:
    """Read until the fast path answers from memory (the second read)."""
    assert send(server, token, path).status_code == 200
    before = counts(server)[0]
    assert send(server, token, path).status_code == 200
    assert counts(server)[0] == before + 1


def plain_sql(server: LiveServer, statement: str, **values: Any) -> None:
    """A change made with the server's own database handle, as a CLI command would."""
    db = server.app.state.db

    async def run() -> None:
        async with db.writing() as unit:
            await unit.connection.execute(text(statement), values)

    server.run_inside(run)


def test_revocation_is_effective_on_the_next_request(server: LiveServer) -> None:
    token = server.token(ADMIN)
    cached_twice(server, token, RULE)
    revoke(server, token)
    refused = send(server, token, RULE)
    assert refused.status_code == 401
    server.app.state.fast_reads = False
    assert send(server, token, RULE).content == refused.content


def test_a_disabled_extension_is_refused_on_the_next_request(server: LiveServer) -> None:
    token = server.token(USER)
    cached_twice(server, token, HOURS)
    plain_sql(server, "UPDATE extensions SET status = 'Disabled' WHERE id = :ext", ext=USER_EXT)
    refused = send(server, token, HOURS)
    assert refused.status_code == 401
    assert refused.json()["errorCode"] == "OAU-149"


def test_a_lost_admin_flag_is_effective_on_the_next_request(server: LiveServer) -> None:
    token = server.token(ADMIN)
    colleague = v1(USER_EXT, "forwarding-number")
    cached_twice(server, token, colleague)
    plain_sql(server, "UPDATE extensions SET is_admin = false WHERE id = :ext", ext=ADMIN_EXT)
    assert send(server, token, colleague).status_code == 403
    assert send(server, token, NUMBERS).status_code == 200


def test_the_rate_limit_counts_and_refuses_answers_from_memory(
    database_url: str, tmp_path: Path
) -> None:
    with limited_server(database_url, tmp_path, "Light=4") as limited:
        token = limited.token(ADMIN)
        answers = [send(limited, token, HOURS) for _ in range(5)]
        assert [a.status_code for a in answers] == [200, 200, 200, 200, 429]
        assert [remaining(a) for a in answers] == [3, 2, 1, 0, 0]
        assert counts(limited)[0] >= 2, "answered from memory"
        assert answers[-1].headers["retry-after"]
        # Spent the same way with the fast path off: the same refusal.
        limited.app.state.fast_reads = False
        full = send(limited, token, HOURS)
        assert (full.status_code, full.content) == (429, answers[-1].content)
        assert steady(full)[:-1] == steady(answers[-1])[:-1]  # all but Retry-After


def test_workers_of_one_host_read_each_others_writes_at_once(
    database_url: str, tmp_path: Path
) -> None:
    first = LiveServer(database_url, log_path=tmp_path / "first.log").start()
    second = LiveServer(database_url, log_path=tmp_path / "second.log").start()
    try:
        token = first.token(ADMIN)
        auth = {"Authorization": f"Bearer {token}"}
        for turn, count in enumerate((4, 3, 5, 2)):
            writer, reader = (first, second) if turn % 2 == 0 else (second, first)
            cached_twice(reader, token, RULE)
            group = {"index": 1, "ringCount": count, "forwardingNumbers": [{"id": "33333333"}]}
            body = {"forwarding": {"rules": [group]}}
            assert httpx.put(f"{writer.base_url}{RULE}", json=body, headers=auth).is_success
            seen = send(reader, token, RULE).json()["forwarding"]["rules"][0]["ringCount"]
            assert seen == count, f"turn {turn}: the other worker answered {seen}"
        cached_twice(second, token, RULE)
        revoke(first, token)
        assert send(second, token, RULE).status_code == 401
    finally:
        second.stop()
        first.stop()


def test_no_cache_reads_the_database_and_a_repeated_read_does_not(server: LiveServer) -> None:
    token = server.token(ADMIN)
    cached_twice(server, token, HOURS)
    statements = count_statements(server.app.state.db)
    assert send(server, token, HOURS).status_code == 200
    assert statements == []
    fresh = send(server, token, HOURS, {"Cache-Control": "no-cache"})
    assert fresh.status_code == 200
    assert statements, "a fresh read goes to the database"


def count_mark_reads(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """From now on, the path of every read of a shared change mark, in order."""
    reads: list[str | None] = []
    read = SharedMark.read

    def counted(mark: SharedMark) -> bytes | None:
        reads.append(mark.path)
        return read(mark)

    monkeypatch.setattr(SharedMark, "read", counted)
    return reads


def test_an_answer_from_memory_reads_the_change_mark_once(
    server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The change stamp and the principal's structure stamp come from one read of the
    shared mark (the ``-shm`` header, or the host's change counter)."""
    token = server.token(ADMIN)
    cached_twice(server, token, RULE)
    reads = count_mark_reads(monkeypatch)
    before = counts(server)[0]
    assert send(server, token, RULE).status_code == 200
    assert counts(server)[0] == before + 1
    assert len(reads) == 1
