"""Rate-limit budgets shared through Redis in leases (``api/shared_budget.py``): never more
accepted than the limit, however many processes share it; a refusal only while the others
hold at most ``lease_bound`` unused each; exact figures for a single process; a new
window once the old one ends.

Each ``RateLimiter`` stands for a server process: it holds its own leases and shares
nothing with the others but Redis (the two-process test with real servers is in
``test_rate_limits.py``).
"""

from __future__ import annotations

import asyncio
import random

from ringforward.api.ratelimit import GroupLimit, RateLimiter, Verdict
from ringforward.api.shared_budget import lease_bound
from tests.api import test_rate_limits

# A Redis URL with a key prefix of its own, deleted after the test.
redis_url = test_rate_limits.redis_url


def limiters(url: str, amount: int, processes: int, window: int = 60) -> list[RateLimiter]:
    limits = {"Light": GroupLimit("Light", amount, window)}
    return [RateLimiter(limits, url) for _ in range(processes)]


def test_one_process_counts_exactly(redis_url: str) -> None:
    async def spend() -> list[Verdict]:
        (alone,) = limiters(redis_url, 50, 1)
        return [await alone.consume("Light", "app:a|user:1") for _ in range(52)]

    verdicts = asyncio.run(spend())
    assert [v.allowed for v in verdicts] == [True] * 50 + [False, False]
    assert [v.remaining for v in verdicts] == [*range(49, -1, -1), 0, 0]
    assert all(1 <= v.retry_after <= 60 for v in verdicts)


async def share(url: str, amount: int, processes: int) -> None:
    """Requests spread at random over ``processes`` until every one of them has refused."""
    pool = limiters(url, amount, processes)
    identity = f"app:a|user:{amount}-{processes}"
    order = random.Random(amount * processes)
    accepted = 0
    refused: set[int] = set()
    first_refusal: int | None = None
    while len(refused) < processes:
        index = order.randrange(processes)
        verdict = await pool[index].consume("Light", identity)
        if verdict.allowed:
            accepted += 1
            assert 0 <= verdict.remaining < amount
        else:
            refused.add(index)
            first_refusal = accepted if first_refusal is None else first_refusal
            assert verdict.remaining == 0
        assert accepted <= amount, "the shared limit is never exceeded"
    # No process refuses while the others hold more than a lease each unused...
    assert first_refusal is not None
    assert first_refusal >= amount - (processes - 1) * lease_bound(amount)
    # ...and each spends what it reserved before it refuses: the whole budget is used.
    assert accepted == amount
    for limiter in pool:
        assert not (await limiter.consume("Light", identity)).allowed


def test_processes_sharing_a_budget_never_exceed_it_nor_refuse_early(redis_url: str) -> None:
    for amount, processes in ((50, 2), (50, 4), (1000, 3), (7, 3)):
        asyncio.run(share(redis_url, amount, processes))


def test_a_new_window_brings_a_new_budget(redis_url: str) -> None:
    async def spend() -> tuple[list[bool], list[bool]]:
        first, second = limiters(redis_url, 3, 2, window=1)
        spent = [(await (first, second)[i % 2].consume("Light", "w")).allowed for i in range(4)]
        await asyncio.sleep(1.1)
        again = [(await second.consume("Light", "w")).allowed for _ in range(4)]
        return spent, again

    spent, again = asyncio.run(spend())
    assert spent == [True, True, True, False]
    assert again == [True, True, True, False]
