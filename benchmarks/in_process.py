"""What the in-process benchmarks (``bench_fast_get``, ``bench_fast_put``) share: a
throwaway database, and rounds of requests measured in process CPU."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from tests.support.servers import (
    CLIENT_ID,
    CLIENT_SECRET,
    PASSWORD,
    create_postgres_database,
    drop_postgres_database,
)


@contextmanager
def scratch_database(backend: str) -> Iterator[str]:
    """The URL of an empty database of ``backend`` ("sqlite" or "postgresql")."""
    if backend == "postgresql":
        url = create_postgres_database()
        try:
            yield url
        finally:
            drop_postgres_database(url)
        return
    with tempfile.TemporaryDirectory(prefix="ringforward-bench-") as directory:
        yield f"sqlite:///{Path(directory) / 'ringforward.db'}"


async def admin_token(client: httpx.AsyncClient) -> str:
    """An access token of the demo account's administrator, by the password grant."""
    grant = await client.post(
        "/restapi/oauth/token",
        auth=(CLIENT_ID, CLIENT_SECRET),
        data={"grant_type": "password", "username": "admin@example.com", "password": PASSWORD},
    )
    grant.raise_for_status()
    token: str = grant.json()["access_token"]
    return token


ROUNDS = 5


async def cpu_per_request(
    requests: int, run_round: Callable[[], Awaitable[None]], answered: Callable[[], int]
) -> list[float]:
    """Microseconds of process CPU per request, one figure for each of ``ROUNDS`` rounds of
    ``run_round()``, each of which must make ``answered()`` grow by ``requests``."""
    figures = []
    for _ in range(ROUNDS):
        before = answered()
        started = time.process_time()
        await run_round()
        spent = time.process_time() - started
        if answered() - before != requests:
            raise RuntimeError("a request was not answered by the path measured")
        figures.append(spent / requests * 1e6)
    return figures
