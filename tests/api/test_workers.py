"""Two server processes on one database: a write acknowledged by one is read back from the
other on the client's very next request, and ``Cache-Control: no-cache`` reads the database.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import make_database_url
from tests.support.servers import LiveServer, drop_postgres_database

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
