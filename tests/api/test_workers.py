"""Two server processes on one database: a write acknowledged by one is read back from the
other on the client's very next request, and ``Cache-Control: no-cache`` reads the database.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest

from tests.conftest import BACKENDS, make_database_url
from tests.support.cli import run_cli
from tests.support.rest import ADMIN_EXT, USER, USER_EXT
from tests.support.servers import (
    CLIENT_ID,
    CLIENT_SECRET,
    PASSWORD,
    LiveServer,
    drop_postgres_database,
)
from tests.support.workers import WorkerConnection, one_connection_per_worker

RULE = "/account/~/extension/~/answering-rule/business-hours-rule"
HOURS = "/account/~/extension/~/business-hours"
NUMBERS = "/account/~/extension/~/forwarding-number"


@pytest.fixture
def workers(database_url: str, tmp_path: Path) -> Iterator[tuple[LiveServer, LiveServer]]:
    first = LiveServer(database_url, log_path=tmp_path / "first.log", process=True).start()
    try:
        second = LiveServer(database_url, log_path=tmp_path / "second.log", process=True).start()
    except BaseException:
        first.stop()
        raise
    yield first, second
    second.stop()
    first.stop()


def client_of(server: LiveServer, token: str) -> httpx.Client:
    return httpx.Client(
        base_url=f"{server.base_url}/restapi/v1.0",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )


def ring_body(count: int) -> dict[str, object]:
    group = {"index": 1, "ringCount": count, "forwardingNumbers": [{"id": "33333333"}]}
    return {"forwarding": {"rules": [group]}}


def test_writes_are_read_back_from_the_other_worker(
    workers: tuple[LiveServer, LiveServer],
) -> None:
    token = workers[0].token()
    clients = [client_of(server, token) for server in workers]
    try:
        for turn, count in enumerate((4, 3, 5, 2, 4, 3)):
            writer, reader = clients[turn % 2], clients[(turn + 1) % 2]
            # The reader has the old rule in memory before the write.
            assert reader.get(RULE).status_code == 200
            assert writer.put(RULE, json=ring_body(count)).status_code == 200
            seen = reader.get(RULE).json()["forwarding"]["rules"][0]["ringCount"]
            assert seen == count, f"turn {turn}: the other worker answered {seen}"
        days = {"schedule": {"weeklyRanges": {"friday": [{"from": "07:00", "to": "08:00"}]}}}
        assert clients[1].get(HOURS).status_code == 200
        assert clients[0].put(HOURS, json=days).status_code == 200
        weekly = clients[1].get(HOURS).json()["schedule"]["weeklyRanges"]
        assert weekly == {"friday": [{"from": "07:00", "to": "08:00"}]}
        listed = clients[1].get(NUMBERS).json()["records"]
        gone = listed[-1]["id"]
        assert clients[0].delete(f"{NUMBERS}/{gone}").status_code == 204
        assert gone not in [record["id"] for record in clients[1].get(NUMBERS).json()["records"]]
    finally:
        for client in clients:
            client.close()


@pytest.fixture
def postgres_server(tmp_path: Path) -> Iterator[LiveServer]:
    url = make_database_url("postgresql", tmp_path)
    server = LiveServer(url, log_path=tmp_path / "server.log", process=True).start()
    yield server
    server.stop()
    drop_postgres_database(url)


async def _change_outside_the_service(url: str) -> None:
    """Plain SQL with no change notification: only a database read can see it."""
    import asyncpg

    dsn = url.replace("postgresql+asyncpg://", "postgresql://")
    connection = await asyncpg.connect(dsn)
    try:
        hours = '{"sunday": [{"from": "01:00", "to": "02:00"}]}'
        await connection.execute("UPDATE extensions SET business_hours = $1", hours)
    finally:
        await connection.close()


@pytest.mark.postgres
def test_no_cache_reads_the_database(postgres_server: LiveServer) -> None:
    with client_of(postgres_server, postgres_server.token()) as client:
        before = client.get(HOURS).json()["schedule"]
        asyncio.run(_change_outside_the_service(postgres_server.db_url))
        assert client.get(HOURS).json()["schedule"] == before, "served from memory"
        fresh = client.get(HOURS, headers={"Cache-Control": "no-cache"}).json()["schedule"]
        assert fresh["weeklyRanges"] == {"sunday": [{"from": "01:00", "to": "02:00"}]}


# ``serve --workers 2``: one port, two worker processes, each with its own caches. The test
# holds one keep-alive connection to each worker (found from outside, by the operating
# system: tests/support/workers.py) and alternates between them.

API = "/restapi/v1.0"
ME = f"{API}/account/~/extension/~"
NEW_PASSWORD = "An0ther-Passw0rd"


@pytest.fixture(scope="module", params=BACKENDS)
def serve_workers(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveServer, list[WorkerConnection]]]:
    """One ``serve --workers 2`` per backend for all the tests below: four processes take
    seconds of CPU to start, more than a test takes."""
    directory = tmp_path_factory.mktemp("workers")
    url = make_database_url(request.param, directory)
    server = LiveServer(url, ["--workers", "2"], log_path=directory / "server.log", process=True)
    try:
        server.start()
        connections = one_connection_per_worker(server.pid, server.port, workers=2)
        yield server, connections
        for connection in connections:
            connection.close()
    finally:
        server.stop()
        if request.param == "postgresql":
            drop_postgres_database(url)


# What a test below may change of the demo's logins, put back through the same commands
# (another process's changes, which every worker sees on its next request).
RESTORE = [
    ["set-password", USER_EXT, "--password", PASSWORD],
    ["enable-extension", USER_EXT],
    ["set-admin", ADMIN_EXT, "--admin"],
]


@pytest.fixture
def two_workers(
    serve_workers: tuple[LiveServer, list[WorkerConnection]],
) -> Iterator[tuple[LiveServer, list[WorkerConnection]]]:
    """The module's ``serve --workers 2`` with the demo's logins as the demo made them."""
    yield serve_workers
    for command in RESTORE:
        result = run_cli("admin", *command, "--db", serve_workers[0].db_url)
        assert result.returncode == 0, result.stderr


def bearer(token: str, **more: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **more}


def put_json(worker: WorkerConnection, path: str, token: str, body: object) -> int:
    headers = bearer(token, **{"Content-Type": "application/json"})
    return worker.call("PUT", path, headers, json.dumps(body).encode())[0]


def oauth(worker: WorkerConnection, endpoint: str, **form: str) -> tuple[int, object]:
    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    headers = {
        "Authorization": f"Basic {basic}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    return worker.call("POST", f"/restapi/oauth/{endpoint}", headers, urlencode(form).encode())


def sign_in(worker: WorkerConnection, email: str, password: str = PASSWORD) -> tuple[int, object]:
    return oauth(worker, "token", grant_type="password", username=email, password=password)


def status_of(worker: WorkerConnection, token: str) -> int:
    return worker.call("GET", ME, bearer(token))[0]


def test_serve_workers_read_back_a_write_and_refuse_a_revoked_token_whichever_answers(
    two_workers: tuple[LiveServer, list[WorkerConnection]],
) -> None:
    server, workers = two_workers
    assert len({worker.pid for worker in workers}) == 2
    token = server.token()
    for turn, count in enumerate((4, 3, 5, 2)):
        writer, reader = workers[turn % 2], workers[(turn + 1) % 2]
        # The reader has the old rule in memory before the write.
        assert reader.call("GET", API + RULE, bearer(token))[0] == 200
        assert put_json(writer, API + RULE, token, ring_body(count)) == 200
        status, rule = reader.call("GET", API + RULE, bearer(token))
        assert status == 200
        seen = rule["forwarding"]["rules"][0]["ringCount"]
        assert seen == count, f"turn {turn}: worker {reader.pid} answered {seen}"

    for revoking in workers:
        doomed, kept = server.token(), server.token()
        for worker in workers:  # both tokens known (and kept in memory) by both workers
            assert status_of(worker, doomed) == 200 and status_of(worker, kept) == 200
        assert oauth(revoking, "revoke", token=doomed)[0] == 200
        for worker in workers:
            assert status_of(worker, doomed) == 401, f"worker {worker.pid} still accepts it"
            assert status_of(worker, kept) == 200


@pytest.mark.parametrize(
    "command",
    [["set-password", USER_EXT, "--password", NEW_PASSWORD], ["disable-extension", USER_EXT]],
    ids=["set-password", "disable-extension"],
)
def test_serve_workers_refuse_a_changed_or_disabled_extension_on_every_worker(
    two_workers: tuple[LiveServer, list[WorkerConnection]], command: list[str]
) -> None:
    server, workers = two_workers
    user_token, admin_token = server.token(USER), server.token()
    for worker in workers:
        assert status_of(worker, user_token) == 200 and status_of(worker, admin_token) == 200
    # Another process (the command) changes the database; each worker sees it on its
    # very next request.
    result = run_cli("admin", *command, "--db", server.db_url)
    assert result.returncode == 0, result.stderr
    for worker in workers:
        assert status_of(worker, user_token) == 401, f"worker {worker.pid} still accepts it"
        assert status_of(worker, admin_token) == 200
        assert sign_in(worker, USER)[0] == 400  # the old password (or a disabled extension)
    if command[0] == "set-password":
        for worker in workers:
            status, grant = sign_in(worker, USER, NEW_PASSWORD)
            assert status == 200
            assert isinstance(grant, dict) and status_of(worker, grant["access_token"]) == 200


def test_serve_workers_stop_honouring_a_lost_admin_flag_on_every_worker(
    two_workers: tuple[LiveServer, list[WorkerConnection]],
) -> None:
    server, workers = two_workers
    token = server.token()  # the demo admin, 22222222
    colleague = f"{API}/account/~/extension/{USER_EXT}"
    for worker in workers:
        assert worker.call("GET", colleague, bearer(token))[0] == 200
    result = run_cli("admin", "set-admin", ADMIN_EXT, "--no-admin", "--db", server.db_url)
    assert result.returncode == 0, result.stderr
    for worker in workers:
        assert worker.call("GET", colleague, bearer(token))[0] == 403, f"worker {worker.pid}"
        assert status_of(worker, token) == 200  # still signed in, as a plain user
    assert (
        run_cli("admin", "set-admin", ADMIN_EXT, "--admin", "--db", server.db_url).returncode == 0
    )
    for worker in workers:
        assert worker.call("GET", colleague, bearer(token))[0] == 200
