"""How long a change made by one process takes to reach another one's memory.

Two ``Database`` handles on one PostgreSQL database (each with its own connections, its own
principal cache and its own LISTEN connection, as two server processes or hosts have):
the first revokes a session the second has just authenticated from memory; the time is
from the moment the revocation's commit returned until the second refuses the token.
Prints the median, p99 and maximum over ``--rounds`` revocations.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from tests.support.servers import create_postgres_database, drop_postgres_database

from ringforward.domain.errors import AuthenticationError
from ringforward.service import auth
from ringforward.service.auth import GrantClient
from ringforward.service.provisioning import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_PASSWORD,
    load_demo,
)
from ringforward.store.database import Database, migrate

CLIENT = GrantClient(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)


async def measure(url: str, rounds: int) -> list[float]:
    await migrate(url)
    here, there = Database(url), Database(url)
    delays: list[float] = []
    try:
        await load_demo(here)
        await here.changes.start()
        await there.changes.start()
        for _ in range(rounds):
            grant = await auth.password_grant(
                here, CLIENT, username="admin@example.com", extension=None, password=DEMO_PASSWORD
            )
            await auth.authenticate(there, grant.access_token)
            await auth.revoke(here, CLIENT, token=grant.access_token)
            committed = time.perf_counter()
            while True:
                try:
                    await auth.authenticate(there, grant.access_token)
                except AuthenticationError:
                    break
                await asyncio.sleep(0)
            delays.append((time.perf_counter() - committed) * 1000)
    finally:
        await here.dispose()
        await there.dispose()
    return delays


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    url = create_postgres_database()
    try:
        delays = sorted(asyncio.run(measure(url, args.rounds)))
    finally:
        drop_postgres_database(url)
    p99 = delays[min(len(delays) - 1, int(len(delays) * 0.99))]
    print(
        f"{len(delays)} revocations: median {statistics.median(delays):.2f} ms, "
        f"p99 {p99:.2f} ms, max {delays[-1]:.2f} ms"
    )


if __name__ == "__main__":
    main()
