"""CPU of a GET answered from memory, in the application alone (no HTTP server).

The demo app on a fresh database (SQLite in a temporary directory, or a fresh PostgreSQL
database with ``--backend postgresql``) answers the business-hours rule's GET twice
through its full path, so the answer and the principal are kept; then ``--requests``
more GETs are called straight into the ASGI app, each answered from memory (checked by
the app's own counts). Prints the process CPU time per GET, best and median of five
rounds: what ``api/fast_reads.py`` costs, without uvicorn's share.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
from typing import Any

import httpx
from benchmarks.in_process import ROUNDS, admin_token, cpu_per_request, scratch_database

from ringforward.api.app import create_app
from ringforward.config import Settings

PATH = "/restapi/v1.0/account/~/extension/~/answering-rule/business-hours-rule"


async def _token(app: Any) -> str:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        token = await admin_token(client)
        for _ in range(2):  # the second is answered from memory
            answer = await client.get(PATH, headers={"Authorization": f"Bearer {token}"})
            answer.raise_for_status()
    return token


async def measure(url: str, requests: int) -> list[float]:
    """Microseconds of CPU per GET, one figure per round."""
    app = create_app(Settings(db=url, demo=True))
    async with app.router.lifespan_context(app):
        token = await _token(app)
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": PATH,
            "raw_path": PATH.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [(b"host", b"bench"), (b"authorization", f"Bearer {token}".encode())],
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 80),
        }

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(_message: Any) -> None:
            return None

        async def one_round() -> None:
            for _ in range(requests):
                await app(dict(scope), receive, send)

        counts = app.state.fast_read_counts
        return await cpu_per_request(requests, one_round, lambda: counts.answered)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--requests", type=int, default=20000, help="GETs per round")
    args = parser.parse_args()
    with scratch_database(args.backend) as url:
        figures = asyncio.run(measure(url, args.requests))
    print(
        f"{args.backend}: {min(figures):.1f} µs of CPU per GET from memory "
        f"(median of {ROUNDS} rounds {statistics.median(figures):.1f} µs)"
    )


if __name__ == "__main__":
    main()
