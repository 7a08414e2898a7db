"""The PUT of a rule answered in front of the router (``api/fast_writes.py``) answers and
stores exactly what the full application does, and leaves every error to it.

A PUT is sent with the fast path off (the full application answers), then the same PUT
with it on: the server's counts prove which of the two answered, the answers must be
equal but for the version in the ETag, and the rule as stored and the audit record each
wrote must be the same change.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ringforward.store.repository import Repository
from tests.api.test_fast_reads import LIMITED, limited_server
from tests.support.rest import ACCOUNT_ID, ADMIN, ADMIN_EXT, OTHER_ACCOUNT_ID, USER, USER_EXT
from tests.support.servers import LiveServer

RULE_ID = "business-hours-rule"
# Differ between two answers whatever answers them: the moment, what is left of a
# budget, and the version in the ETag (checked on its own).
PER_REQUEST = {"date", "x-rate-limit-remaining", "etag"}


def rule_path(extension: str = "~", rule: str = RULE_ID, account: str = "~") -> str:
    return f"/restapi/v1.0/account/{account}/extension/{extension}/answering-rule/{rule}"


def ring(count: int, number: str = "33333333") -> dict[str, Any]:
    group = {"index": 1, "ringCount": count, "forwardingNumbers": [{"id": number}]}
    return {"forwarding": {"rules": [group]}}


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    env = {**LIMITED, "RINGFORWARD_RATE_LIMIT_OVERRIDES": "Medium=100000,Light=100000"}
    started = LiveServer(database_url, env=env, log_path=tmp_path / "server.log").start()
    yield started
    started.stop()


def counts(server: LiveServer) -> tuple[int, int]:
    found = server.app.state.fast_write_counts
    return found.answered, found.passed


def put(
    server: LiveServer,
    token: str | None,
    path: str,
    body: bytes,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    sent = {"Content-Type": "application/json", **(headers or {})}
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    return httpx.put(f"{server.base_url}{path}", content=body, headers=sent, timeout=30)


def steady(response: httpx.Response) -> list[tuple[str, str]]:
    return [(k, v) for k, v in response.headers.multi_items() if k not in PER_REQUEST]


def stored(server: LiveServer, extension: str) -> tuple[Any, list[dict[str, Any]]]:
    """The rule as stored and its audit records, newest first."""

    async def read() -> tuple[Any, list[dict[str, Any]]]:
        async with server.app.state.db.reading() as uow:
            repo = Repository(uow)
            rule = next(r for r in await repo.list_rules(extension) if r.id == RULE_ID)
            return rule, await repo.list_audit(extension, "answering-rule", RULE_ID)

    return server.run_inside(read)


def both_ways(
    server: LiveServer, token: str | None, path: str, body: bytes, headers: dict[str, str]
) -> tuple[httpx.Response, httpx.Response, bool]:
    """The full application's answer and then, fast path on, the answer to the same PUT;
    whether the fast path made the second."""
    server.app.state.fast_reads = False
    full = put(server, token, path, body, headers)
    server.app.state.fast_reads = True
    before = counts(server)
    fast = put(server, token, path, body, headers)
    return full, fast, counts(server)[0] > before[0]


@pytest.mark.parametrize(
    ("extension", "account"),
    [("~", "~"), (ADMIN_EXT, ACCOUNT_ID), (USER_EXT, "~")],
)
def test_the_fast_path_answers_and_stores_what_the_full_application_does(
    server: LiveServer, extension: str, account: str
) -> None:
    token = server.token(ADMIN)
    path = rule_path(extension, account=account)
    put(server, token, path, b'{"screening": "Off"}')  # the principal is now known
    own = extension == "~"
    bodies = [ring(4), ring(3)] if own else [{"screening": s} for s in ("NoCallerId", "Off")]
    for body in bodies:
        raw = httpx.Request("PUT", "/", json=body).content
        full, fast, answered = both_ways(server, token, path, raw, {})
        assert answered, "the fast path made the second write"
        assert full.status_code == fast.status_code == 200, full.text
        assert (steady(fast), fast.content) == (steady(full), full.content)
        rule_id, version = full.headers["etag"].strip('"').rsplit("-v", 1)
        assert fast.headers["etag"] == f'"{rule_id}-v{int(version) + 1}"'
        rule, audit = stored(server, ADMIN_EXT if own else extension)
        assert rule.version == int(version) + 1
        if own:
            assert (
                rule.forwarding.groups[0].ring_count == body["forwarding"]["rules"][0]["ringCount"]
            )
        else:
            assert rule.screening == body["screening"]
        newest, previous = audit[0], audit[1]
        assert newest["version"] == previous["version"] + 1 == rule.version
        assert newest["before"] == previous["after"] == newest["after"]
        same = ("account_id", "extension_id", "resource_type", "resource_id", "actor")
        assert {k: newest[k] for k in same} == {k: previous[k] for k in same}


# (login, path, body, request headers, status): each answered by the full application.
ERRORS: list[tuple[str | None, str, bytes, dict[str, str], int]] = [
    (ADMIN, rule_path(rule="12345"), b"{}", {}, 404),
    (ADMIN, rule_path(rule="nonsense-rule"), b"{}", {}, 404),
    (ADMIN, rule_path(account=OTHER_ACCOUNT_ID), b"{}", {}, 404),
    (ADMIN, rule_path("99999"), b"{}", {}, 404),
    (USER, rule_path(ADMIN_EXT), b"{}", {}, 403),
    (
        ADMIN,
        rule_path(),
        b'{"forwarding": {"rules": [{"index": 1, "forwardingNumbers": [{"id": "404404"}]}]}}',
        {},
        400,
    ),
    (ADMIN, rule_path(), b'{"screening": "Sometimes"}', {}, 400),
    (ADMIN, rule_path(), b'{"name": 5}', {}, 400),
    (ADMIN, rule_path(), b"[1]", {}, 400),
    (ADMIN, rule_path(), b"{nope", {}, 400),
    (ADMIN, rule_path(), b'{"screening": NaN}', {}, 400),
    (ADMIN, rule_path(), b'{"name": "a\\u0000b"}', {}, 400),
    (ADMIN, rule_path(), b'{"screening": "Off"}', {"Content-Type": "text/plain"}, 415),
    (ADMIN, rule_path(), b'{"screening": "Off"}', {"If-Match": '"business-hours-rule-v1"'}, 412),
    (None, rule_path(), b"{}", {}, 401),
    ("bad", rule_path(), b"{}", {}, 401),
]


def test_every_error_comes_from_the_full_application(server: LiveServer) -> None:
    tokens: dict[str | None, str | None] = {login: server.token(login) for login in (ADMIN, USER)}
    tokens[None], tokens["bad"] = None, "not-a-token"
    for token in (tokens[ADMIN], tokens[USER]):
        put(server, token, rule_path(), b'{"screening": "Off"}')  # principals known
    for login, path, body, headers, status in ERRORS:
        before = counts(server)
        full, fast, answered = both_ways(server, tokens[login], path, body, headers)
        assert not answered, (path, body)
        assert counts(server)[1] == before[1] + 1, "it went the full way"
        assert full.status_code == status, (path, body, full.text)
        assert (fast.status_code, steady(fast), fast.content) == (
            full.status_code,
            steady(full),
            full.content,
        ), (path, body)


def test_unusual_requests_go_the_full_way_and_succeed(server: LiveServer) -> None:
    token = server.token(ADMIN)
    body = b'{"screening": "Off"}'
    put(server, token, rule_path(), body)
    for path, headers in [
        (f"{rule_path()}?unused=1", {}),
        (rule_path().replace("~/answering", "%7E/answering"), {}),
        (rule_path(), {"X-Something": "else"}),
    ]:
        before = counts(server)
        answer = put(server, token, path, body, headers)
        assert answer.status_code == 200, (path, headers, answer.text)
        assert counts(server)[0] == before[0], (path, headers)


def test_if_match_is_the_same_rule_on_both_paths(server: LiveServer) -> None:
    token = server.token(ADMIN)
    first = put(server, token, rule_path(), b'{"screening": "Off"}')
    current = first.headers["etag"]
    before = counts(server)
    matched = put(server, token, rule_path(), b'{"screening": "NoCallerId"}', {"If-Match": current})
    assert matched.status_code == 200
    assert counts(server)[0] == before[0] + 1, "answered by the fast path"
    stale = put(server, token, rule_path(), b'{"screening": "Off"}', {"If-Match": current})
    assert stale.status_code == 412
    assert counts(server)[1] == before[1] + 1, "the refusal came from the full application"
    assert stored(server, ADMIN_EXT)[0].screening == "NoCallerId"


def test_the_rate_limit_counts_fast_writes_and_refuses_them(
    database_url: str, tmp_path: Path
) -> None:
    with limited_server(database_url, tmp_path, "Medium=4") as limited:
        token = limited.token(ADMIN)
        answers = [put(limited, token, rule_path(), b'{"screening": "Off"}') for _ in range(5)]
        assert [a.status_code for a in answers] == [200, 200, 200, 200, 429]
        assert [a.headers["x-rate-limit-remaining"] for a in answers] == ["3", "2", "1", "0", "0"]
        assert [a.headers["x-rate-limit-group"] for a in answers] == ["Medium"] * 5
        assert counts(limited)[0] == 3, "all but the first (which met the token) were fast"
        assert answers[-1].json()["errorCode"] == "CMN-301"
        assert stored(limited, ADMIN_EXT)[0].version == 5, "the refused one wrote nothing"


def test_concurrent_fast_writes_of_one_rule_are_all_kept_in_order(server: LiveServer) -> None:
    token = server.token(ADMIN)
    put(server, token, rule_path(), b'{"screening": "Off"}')
    start = stored(server, ADMIN_EXT)[0].version
    before = counts(server)

    async def write_all() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as client:
            headers = {"Authorization": f"Bearer {token}"}
            return await asyncio.gather(
                *(
                    client.put(rule_path(), json=ring(count), headers=headers)
                    for count in range(1, 9)
                )
            )

    answers = asyncio.run(write_all())
    assert [a.status_code for a in answers] == [200] * 8
    assert counts(server)[0] == before[0] + 8
    versions = sorted(int(a.headers["etag"].strip('"').rsplit("-v", 1)[1]) for a in answers)
    assert versions == list(range(start + 1, start + 9))
    rule, audit = stored(server, ADMIN_EXT)
    assert rule.version == start + 8
    chain = list(reversed(audit[:8]))  # oldest first
    assert [record["version"] for record in chain] == versions
    for earlier, later in itertools.pairwise(chain):
        assert later["before"] == earlier["after"], "each saw the one before it"
    last = next(a for a in answers if a.headers["etag"].endswith(f'-v{start + 8}"'))
    assert (
        last.json()["forwarding"]["rules"][0]["ringCount"] == rule.forwarding.groups[0].ring_count
    )
