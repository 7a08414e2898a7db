"""Principals survive this process's rule writes, and nobody else's writes.

A rule write declares that it changes call handling only, so the token's principal stays
in memory after it; the same write made by another process (which this one cannot see
into) still makes the next authentication read the database, and a revocation made in
between is never missed.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from ringforward.service import answering_rules, auth
from ringforward.service.scope import ExtensionCall
from ringforward.store.database import Database
from tests.service.conftest import ADMIN
from tests.service.test_principal_cache import (
    CROSS_PROCESS_BOUND,
    count_statements,
    refused_within,
    signed_in,
    write,
)

pytestmark = pytest.mark.anyio
RULE = "business-hours-rule"


def ring_count(count: int) -> dict[str, object]:
    return {
        "forwarding": {
            "rules": [{"index": 1, "ringCount": count, "forwardingNumbers": [{"id": "33333333"}]}]
        }
    }


async def put_rule(db: Database, count: int) -> None:
    await answering_rules.update_rule(ExtensionCall(db, ADMIN, "~", "~"), RULE, ring_count(count))


def token_reads(statements: list[str]) -> int:
    return sum("FROM tokens" in statement for statement in statements)


async def test_a_rule_write_of_this_process_keeps_the_principal(
    pair: tuple[Database, Database],
) -> None:
    here, _there = pair
    token = await signed_in(here, here)
    statements = count_statements(here)
    await put_rule(here, 4)
    assert await auth.authenticate(here, token) == await auth.authenticate(here, token)
    assert token_reads(statements) == 0


async def test_a_write_of_another_process_makes_the_principal_be_read_again(
    pair: tuple[Database, Database],
) -> None:
    here, there = pair
    token = await signed_in(here, here, there)
    statements = count_statements(here)
    await put_rule(there, 4)  # content only there, but here cannot know that
    await refused_or_read_again(here, token, statements)


async def refused_or_read_again(db: Database, token: str, statements: list[str]) -> None:
    """Within the cross-process bound, ``db`` reads the token again."""
    started = time.monotonic()
    while time.monotonic() - started < CROSS_PROCESS_BOUND:
        await auth.authenticate(db, token)
        if token_reads(statements):
            return
        await asyncio.sleep(0.001)
    raise AssertionError("another process's write left the principal in memory")


async def test_a_revocation_between_rule_writes_is_seen_at_once_and_elsewhere(
    pair: tuple[Database, Database],
) -> None:
    here, there = pair
    token = await signed_in(here, here, there)
    await put_rule(here, 4)
    await write(here, "DELETE FROM tokens")
    await put_rule(here, 3)
    await refused_within(here, token, 0.0001)
    await refused_within(there, token, CROSS_PROCESS_BOUND)


async def test_a_revocation_by_another_process_between_own_rule_writes_is_seen(
    pair: tuple[Database, Database],
) -> None:
    here, there = pair
    token = await signed_in(here, here)
    await put_rule(here, 4)
    await write(there, "DELETE FROM tokens")
    await put_rule(here, 3)  # its commit must not be taken for the only change
    await refused_within(here, token, CROSS_PROCESS_BOUND)
