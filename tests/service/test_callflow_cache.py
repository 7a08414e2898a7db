"""The call-flow simulation reads what it needs from memory while the database is
unchanged, and follows a write at once here and within the bound in another process."""

from __future__ import annotations

import time

import pytest

from ringforward.service.callflow import simulate_call
from ringforward.store.database import Database
from tests.service.conftest import own
from tests.service.test_principal_cache import (
    CROSS_PROCESS_BOUND,
    between_requests,
    count_statements,
)
from tests.service.test_read_model import set_ring_count

pytestmark = pytest.mark.anyio
# A Monday at 10:00 in the demo's zone: the business-hours rule answers.
AT = "2026-11-30T10:00"


async def first_group_ends(db: Database, *, fresh: bool = False) -> int:
    """When the first forwarding group stops ringing (ring count x 5 s)."""
    flow = await simulate_call(own(db), at=AT, caller=None, called=None, fresh=fresh)
    return max(step.end for step in flow.steps if step.start == 0)


async def test_simulations_come_from_memory_until_a_write(
    pair: tuple[Database, Database],
) -> None:
    here, there = pair
    await first_group_ends(here)
    statements = count_statements(here)
    assert await first_group_ends(here) == 15
    assert statements == [], "the second simulation read the database"
    await first_group_ends(here, fresh=True)
    assert statements, "a fresh simulation goes to the database"

    await first_group_ends(there)
    await set_ring_count(here, 5)
    assert await first_group_ends(here) == 25
    started = time.monotonic()
    while await first_group_ends(there) != 25:
        assert time.monotonic() - started < CROSS_PROCESS_BOUND, "still the old rule"
        await between_requests()
