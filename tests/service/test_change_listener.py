"""PostgreSQL: when the connection that listens for other processes' changes is lost, the
caches read the database until it is back, and nothing cached before the loss is served
after it (notifications sent meanwhile were missed).

Two ``Database`` objects over one database stand for two server processes on two hosts.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from ringforward.domain.errors import AuthenticationError
from ringforward.service import auth
from ringforward.service.provisioning import DEMO_ADMIN_ID
from ringforward.store.database import Database
from tests.service.conftest import database_pair
from tests.service.test_principal_cache import count_statements, login, write
from tests.support.servers import postgres_admin

pytestmark = [pytest.mark.anyio, pytest.mark.postgres]
# How long the test waits for the loss to be noticed and for the listener to come back.
BOUND = 15.0


@pytest.fixture
async def pair(tmp_path: Path) -> AsyncIterator[tuple[Database, Database]]:
    async with database_pair("postgresql", tmp_path) as (first, second):
        try:
            yield first, second
        finally:  # the database is dropped next, which needs connections allowed
            await admin(f'ALTER DATABASE "{name_of(first.url)}" ALLOW_CONNECTIONS true')


def name_of(url: str) -> str:
    return url.rsplit("/", 1)[1]


async def admin(statement: str) -> None:
    # The helper runs its own event loop: keep it off this one.
    await asyncio.to_thread(postgres_admin, statement)


async def until(condition: Callable[[], bool], what: str) -> None:
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < BOUND, f"{what} after {BOUND} s"
        await asyncio.sleep(0.01)


async def test_a_lost_listener_reads_the_database_until_it_reconnects(
    pair: tuple[Database, Database],
) -> None:
    here, there = pair
    database = name_of(there.url)
    first, second = await login(here), await login(here)
    for token in (first, second):
        await auth.authenticate(there, token)  # both kept in memory by ``there``
    assert there.changes.stamp() is not None

    # No new connection to the database for now (the pools keep theirs), and the
    # listening connections are killed: ``there`` cannot hear changes and cannot reconnect.
    await admin(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false')
    await admin(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        f"WHERE datname = '{database}' AND query LIKE 'LISTEN%'"
    )
    await until(lambda: there.changes.stamp() is None, "the lost listener is not noticed")

    # A change whose notification ``there`` never receives.
    await write(
        here, "UPDATE tokens SET revoked = true WHERE extension_id = :ext", ext=DEMO_ADMIN_ID
    )
    statements = count_statements(there)
    with pytest.raises(AuthenticationError):
        await auth.authenticate(there, first)
    assert statements, "answered from memory while the listener was lost"

    await admin(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')
    await until(lambda: there.changes.stamp() is not None, "the listener did not come back")
    # Kept in memory before the loss, revoked during it: read again, and refused.
    with pytest.raises(AuthenticationError):
        await auth.authenticate(there, second)
    # And once back, notifications arrive again: a new token is served from memory until
    # a change elsewhere makes it stale.
    third = await login(here)
    await auth.authenticate(there, third)
    await write(
        here, "UPDATE tokens SET revoked = true WHERE extension_id = :ext", ext=DEMO_ADMIN_ID
    )
    started = time.monotonic()
    while True:
        try:
            await auth.authenticate(there, third)
        except AuthenticationError:
            break
        assert time.monotonic() - started < BOUND, "a change after the reconnection was missed"
        await asyncio.sleep(0.001)
