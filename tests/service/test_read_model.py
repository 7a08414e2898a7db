"""GETs of rules, forwarding numbers and business hours answered from memory, and never
stale: a write is seen before it returns in its process and soon in another one; a fresh
read (``Cache-Control: no-cache``) always goes to the database.

Two ``Database`` objects over one database stand for two server processes.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from ringforward.service import business_hours, forwarding_numbers
from ringforward.service.answering_rules import get_rule, update_rule
from ringforward.service.read_model import configure_read_model, read_model
from ringforward.store.database import Database
from tests.service.conftest import OTHER, own
from tests.service.test_principal_cache import (
    CROSS_PROCESS_BOUND,
    between_requests,
    count_statements,
)

pytestmark = pytest.mark.anyio
RULE = "business-hours-rule"
NIGHTS = {"schedule": {"weeklyRanges": {"monday": [{"from": "20:00", "to": "23:00"}]}}}


def ring_count(view: Any) -> int:
    return int(view.rule.forwarding.groups[0].ring_count)


async def set_ring_count(db: Database, count: int) -> None:
    group = {"index": 1, "ringCount": count, "forwardingNumbers": [{"id": "33333333"}]}
    body = {"forwarding": {"rules": [group]}}
    await update_rule(own(db), RULE, body)


async def test_a_second_read_does_not_touch_the_database(
    pair: tuple[Database, Database],
) -> None:
    db, _ = pair
    await get_rule(own(db), RULE)
    await forwarding_numbers.list_forwarding_numbers(own(db))
    await business_hours.get_business_hours(own(db))
    statements = count_statements(db)
    await get_rule(own(db), RULE)
    await forwarding_numbers.list_forwarding_numbers(own(db))
    await business_hours.get_business_hours(own(db))
    assert statements == []
    await get_rule(own(db), RULE, fresh=True)
    assert statements, "a fresh read goes to the database"


async def test_a_write_is_read_back_here_at_once_and_there_within_the_bound(
    pair: tuple[Database, Database],
) -> None:
    here, there = pair
    for count in (4, 3, 5):
        before_there = await get_rule(own(there), RULE)
        await get_rule(own(here), RULE)
        await set_ring_count(here, count)
        assert ring_count(await get_rule(own(here), RULE)) == count
        assert ring_count(before_there) != count
        started = time.monotonic()
        while ring_count(await get_rule(own(there), RULE)) != count:
            assert time.monotonic() - started < CROSS_PROCESS_BOUND, "still the old rule"
            await between_requests()
        assert ring_count(await get_rule(own(there), RULE, fresh=True)) == count


async def test_business_hours_and_numbers_follow_their_writes(
    pair: tuple[Database, Database],
) -> None:
    here, there = pair
    await business_hours.get_business_hours(own(there))
    listed = await forwarding_numbers.list_forwarding_numbers(own(there))
    await business_hours.update_business_hours(own(here), NIGHTS)
    ids = [number.id for number in listed.numbers]
    await forwarding_numbers.delete_forwarding_numbers(own(here), ids[:1])
    started = time.monotonic()
    while True:
        hours = (await business_hours.get_business_hours(own(there))).hours
        numbers = (await forwarding_numbers.list_forwarding_numbers(own(there))).numbers
        if "monday" in hours.weekly_ranges and ids[0] not in [n.id for n in numbers]:
            break
        assert time.monotonic() - started < CROSS_PROCESS_BOUND, "still the old state"
        await between_requests()
    assert [range_.start for range_ in hours.weekly_ranges["monday"]] == ["20:00"]


async def test_answers_are_kept_for_a_bounded_number_of_accounts(
    pair: tuple[Database, Database],
) -> None:
    db, _ = pair
    configure_read_model(db, 1)
    await business_hours.get_business_hours(own(db))
    await business_hours.get_business_hours(own(db, OTHER))
    assert len(read_model(db)) == 1
    statements = count_statements(db)
    await business_hours.get_business_hours(own(db))
    assert statements, "the least recently used account was dropped"
