"""CPU of a PUT of a rule answered in front of the router, in the application alone.

The demo app on a fresh database (SQLite in a temporary directory, or a fresh PostgreSQL
database with ``--backend postgresql``), its start-up objects left out of garbage
collection as ``serve`` leaves them, is signed in to, and with ``--extensions N`` given
N - 1 more extensions, each with a forwarding number (as the load benchmark's
``PUT-64EXT``). Each rule is written once, so the principal and the rule's reads are
kept; then ``--requests`` PUTs per round are called straight into the
ASGI app by ``--clients`` concurrent callers (so that writes share groups as they do
under load), each setting the ring count of group 1 to 4 or 3 as the load benchmark's
PUTs do, on the extensions in turn. Every one must be a 200 answered by the fast path
(checked by the app's own counts). Prints the process CPU time per PUT, best and median
of five rounds: what ``api/fast_writes.py`` and the store below it cost in this process,
without uvicorn's share (and, on PostgreSQL, without the database server's).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import statistics
from collections.abc import Iterator
from typing import Any

import httpx
from benchmarks.in_process import ROUNDS, admin_token, cpu_per_request, scratch_database

from ringforward.api.app import create_app
from ringforward.config import Settings
from ringforward.service.provisioning import DEMO_ACCOUNT_ID, add_extension

RULE = "business-hours-rule"


def rule_path(extension: str) -> str:
    return f"/restapi/v1.0/account/~/extension/{extension}/answering-rule/{RULE}"


def put_body(ring_count: int, number_id: str) -> bytes:
    group = {"index": 1, "ringCount": ring_count, "forwardingNumbers": [{"id": number_id}]}
    return json.dumps({"forwarding": {"rules": [group]}}, separators=(",", ":")).encode()


async def _targets(app: Any, client: httpx.AsyncClient, extensions: int) -> list[tuple[str, str]]:
    """(path, forwarding number id) of each extension's rule, the demo admin's first."""
    ids = ["~"]
    for index in range(extensions - 1):
        added = await add_extension(
            app.state.db,
            account_id=DEMO_ACCOUNT_ID,
            extension_number=f"9{index:03d}",
            name=f"Bench {index}",
            email=f"bench{index}@example.com",
            password="Bench-Passw0rd",
        )
        ids.append(added.id)
    targets = []
    for index, extension in enumerate(ids):
        base = f"/restapi/v1.0/account/~/extension/{extension}/forwarding-number"
        listed = (await client.get(base)).json()["records"]
        if listed:
            number = listed[0]["id"]
        else:
            created = await client.post(
                base, json={"phoneNumber": f"+1212555{index:04d}", "label": "Bench"}
            )
            created.raise_for_status()
            number = created.json()["id"]
        targets.append((rule_path(extension), number))
    return targets


def _scope(path: str, token: str, body: bytes) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "PUT",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"bench"),
            (b"authorization", f"Bearer {token}".encode()),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
    }


async def _put(app: Any, request: tuple[dict[str, Any], bytes]) -> None:
    scope, body = request

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Any) -> None:
        if message["type"] == "http.response.start" and message["status"] != 200:
            raise RuntimeError(f"a PUT was answered {message['status']}")

    await app(dict(scope), receive, send)


async def _caller(app: Any, planned: Iterator[tuple[dict[str, Any], bytes]]) -> None:
    for request in planned:  # shared by the callers: each request is taken by one
        await _put(app, request)


async def measure(url: str, requests: int, clients: int, extensions: int) -> list[float]:
    """Microseconds of CPU per PUT, one figure per round."""
    app = create_app(Settings(db=url, demo=True, freeze_start_up=True))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            token = await admin_token(client)
            client.headers["Authorization"] = f"Bearer {token}"
            targets = await _targets(app, client, extensions)
            for path, number in targets:  # once each: the principal and the reads are kept
                written = await client.put(
                    path, content=put_body(3, number), headers={"Content-Type": "application/json"}
                )
                written.raise_for_status()
        cycle = [
            (_scope(path, token, body), body)
            for ring_count in (4, 3)
            for path, number in targets
            for body in [put_body(ring_count, number)]
        ]
        counts = app.state.fast_write_counts

        async def one_round() -> None:
            planned = itertools.islice(itertools.cycle(cycle), requests)
            await asyncio.gather(*(_caller(app, planned) for _ in range(clients)))

        return await cpu_per_request(requests, one_round, lambda: counts.answered)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--requests", type=int, default=4000, help="PUTs per round")
    parser.add_argument("--clients", type=int, default=16, help="concurrent callers")
    parser.add_argument("--extensions", type=int, default=1, help="extensions written in turn")
    args = parser.parse_args()
    with scratch_database(args.backend) as url:
        figures = asyncio.run(measure(url, args.requests, args.clients, args.extensions))
    print(
        f"{args.backend}, {args.clients} callers, {args.extensions} extension(s): "
        f"{min(figures):.1f} µs of CPU per PUT answered in front of the router "
        f"(median of {ROUNDS} rounds {statistics.median(figures):.1f} µs)"
    )


if __name__ == "__main__":
    main()
