"""Authentication from memory: no database round trip on a hit, and every change to a
token or an extension refuses (or demotes) the token at once in the process that made it,
and within a bounded time in another process sharing only the database.

Two ``Database`` objects over one database stand for two server processes on two hosts:
each has its own connections, its own principal cache, its own directory for the marks of
one host and, on PostgreSQL, its own listener, so they share nothing but the database.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from sqlalchemy import event, text

from ringforward.domain.errors import AuthenticationError, OAuthError
from ringforward.service import auth
from ringforward.service.access import Principal
from ringforward.service.auth import GrantClient
from ringforward.service.login_guard import LoginGuard
from ringforward.service.principal_cache import PrincipalCache
from ringforward.service.provisioning import (
    DEMO_ADMIN_ID,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_PASSWORD,
)
from ringforward.store.database import Database

pytestmark = pytest.mark.anyio
CLIENT = GrantClient(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
# What a change made by one process may take to reach another (the goal is 100 ms; the
# bound leaves room for a busy two-core machine).
CROSS_PROCESS_BOUND = 1.0


def count_statements(db: Database) -> list[str]:
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(str(args[2]))

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    return seen


async def login(db: Database) -> str:
    grant = await auth.password_grant(
        db,
        CLIENT,
        username="admin@example.com",
        extension=None,
        password=DEMO_PASSWORD,
        guard=LoginGuard(),
    )
    return grant.access_token


async def signed_in(db: Database, *known_to: Database) -> str:
    """A token logged in on ``db`` whose principal each of ``known_to`` has in memory."""
    token = await login(db)
    for known in known_to:
        await auth.authenticate(known, token)
    return token


async def refused_within(db: Database, token: str, bound: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < bound:
        try:
            await auth.authenticate(db, token)
        except AuthenticationError:
            return time.monotonic() - started
        await between_requests()
    raise AssertionError(f"token still accepted after {bound} s")


async def between_requests() -> None:
    """A server runs its event loop between requests, which delivers notifications."""
    await asyncio.sleep(0.001)


async def write(db: Database, statement: str, **values: Any) -> None:
    async with db.writing() as uow:
        await uow.connection.execute(text(statement), values)


async def test_a_known_token_is_authenticated_without_the_database(
    pair: tuple[Database, Database],
) -> None:
    db, _ = pair
    token = await signed_in(db, db)
    statements = count_statements(db)
    for _ in range(3):
        principal = await auth.authenticate(db, token)
        assert principal.extension_id == DEMO_ADMIN_ID
    assert statements == []


async def test_revocation_is_seen_at_once_here_and_soon_in_another_process(
    pair: tuple[Database, Database],
) -> None:
    here, there = pair
    token = await signed_in(here, here, there)
    await auth.revoke(here, CLIENT, token=token)
    with pytest.raises(AuthenticationError):
        await auth.authenticate(here, token)
    await refused_within(there, token, CROSS_PROCESS_BOUND)


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE tokens SET expires_at = 0 WHERE extension_id = :ext",
        "DELETE FROM tokens WHERE extension_id = :ext",
    ],
)
async def test_a_change_made_outside_the_service_is_seen(
    pair: tuple[Database, Database], change: str
) -> None:
    here, there = pair
    token = await signed_in(here, there)
    await write(here, change, ext=DEMO_ADMIN_ID)
    await refused_within(there, token, CROSS_PROCESS_BOUND)


async def test_a_deleted_extension_is_refused_in_the_other_process(
    pair: tuple[Database, Database],
) -> None:
    here, there = pair
    token = await signed_in(here, there)
    for table in ("answering_rules", "forwarding_numbers", "tokens", "devices"):
        await write(here, f"DELETE FROM {table} WHERE extension_id = :ext", ext=DEMO_ADMIN_ID)
    await write(here, "DELETE FROM extensions WHERE id = :ext", ext=DEMO_ADMIN_ID)
    await refused_within(there, token, CROSS_PROCESS_BOUND)


async def test_a_changed_password_stops_working_everywhere(
    pair: tuple[Database, Database],
) -> None:
    here, there = pair
    await write(
        here, "UPDATE extensions SET password_hash = 'x' WHERE id = :ext", ext=DEMO_ADMIN_ID
    )
    with pytest.raises(OAuthError):
        await login(there)


async def test_a_lost_admin_flag_is_seen_in_the_other_process(
    pair: tuple[Database, Database],
) -> None:
    here, there = pair
    token = await login(here)
    assert (await auth.authenticate(there, token)).is_admin
    await write(here, "UPDATE extensions SET is_admin = false WHERE id = :ext", ext=DEMO_ADMIN_ID)
    assert not (await auth.authenticate(here, token)).is_admin
    started = time.monotonic()
    while (await auth.authenticate(there, token)).is_admin:
        assert time.monotonic() - started < CROSS_PROCESS_BOUND, "still an admin"
        await between_requests()


def test_the_cache_is_bounded_and_drops_expired_and_stale_entries() -> None:
    cache = PrincipalCache(size=2)
    who = Principal("a", "e", False, "c", "s")
    cache.put("t1", 1, who, expires_at=100)
    cache.put("t2", 1, who, expires_at=100)
    assert cache.get("t1", 1, now=50) is who
    cache.put("t3", 1, who, expires_at=100)
    assert len(cache) == 2 and cache.get("t2", 1, now=50) is None  # least recently used
    assert cache.get("t1", 2, now=50) is None  # the database changed since
    assert cache.get("t3", 1, now=101) is None  # expired
