"""kill -9 in the middle of a stream of writes: after a restart nothing is torn or lost."""

from __future__ import annotations

import asyncio
import random
import signal
import sqlite3
import threading
import time
from dataclasses import dataclass, field

import httpx
from sqlalchemy.engine import make_url

from ringforward.store.database import Database, is_sqlite
from ringforward.store.repository import Repository
from tests.support.servers import LiveServer

EXT = "/account/~/extension/~"
RULE = f"{EXT}/answering-rule/business-hours-rule"
NUMBER_WORKERS = 3
RULE_WORKERS = 2


@dataclass
class Ledger:
    """What the server acknowledged before it died, per worker (no locks: one writer each)."""

    present: set[str] = field(default_factory=set)
    deleted: set[str] = field(default_factory=set)
    in_flight: set[str] = field(default_factory=set)
    rules_created: set[str] = field(default_factory=set)
    acknowledged_writes: int = 0


def _client(server: LiveServer, token: str) -> httpx.Client:
    return httpx.Client(
        base_url=f"{server.base_url}/restapi/v1.0",
        headers={"Authorization": f"Bearer {token}"},
        timeout=20,
    )


def number_worker(server: LiveServer, token: str, worker: int, ledger: Ledger) -> None:
    """Adds numbers and deletes every other one, remembering what was acknowledged."""
    with _client(server, token) as client:
        for sequence in range(10_000):
            phone = f"+1212{worker}{sequence:06d}"
            try:
                created = client.post(
                    f"{EXT}/forwarding-number", json={"phoneNumber": phone, "label": f"W{worker}"}
                )
                if created.status_code != 200:
                    continue
                number_id = created.json()["id"]
                ledger.present.add(number_id)
                ledger.acknowledged_writes += 1
                if sequence % 2:
                    ledger.in_flight.add(number_id)
                    deleted = client.delete(f"{EXT}/forwarding-number/{number_id}")
                    ledger.in_flight.discard(number_id)
                    if deleted.status_code == 204:
                        ledger.present.discard(number_id)
                        ledger.deleted.add(number_id)
                        ledger.acknowledged_writes += 1
            except httpx.HTTPError:
                return  # the server is gone


def rule_worker(server: LiveServer, token: str, worker: int, ledger: Ledger) -> None:
    """Puts random numbers into ring groups and creates custom rules that forward to them."""
    chooser = random.Random(worker)
    with _client(server, token) as client:
        while True:
            try:
                numbers = [
                    n["id"] for n in client.get(f"{EXT}/forwarding-number").json()["records"]
                ]
                chosen = chooser.sample(numbers, min(len(numbers), 4))
                groups = [
                    {"index": i + 1, "ringCount": 2, "forwardingNumbers": [{"id": n} for n in pair]}
                    for i, pair in enumerate([chosen[:2], chosen[2:]])
                    if pair
                ]
                body = {"forwarding": {"rules": groups}}
                # A number deleted meanwhile is a 400: refused whole, never half written.
                if client.put(RULE, json=body).status_code == 200:
                    ledger.acknowledged_writes += 1
                rule = {
                    "type": "Custom",
                    "name": f"Crash {worker} {chooser.random():.6f}",
                    "callers": [{"callerId": "+14155550123"}],
                    "callHandlingAction": "ForwardCalls",
                    "forwarding": body["forwarding"],
                }
                created = client.post(f"{EXT}/answering-rule", json=rule)
                if created.status_code == 200:
                    ledger.rules_created.add(created.json()["id"])
                    ledger.acknowledged_writes += 1
            except httpx.HTTPError:
                return


async def _stored_state(url: str) -> tuple[dict[str, set[str]], list[tuple[str, str, set[str]]]]:
    """Every extension's forwarding-number ids, and every rule's referenced ids."""
    db = Database(url)
    try:
        async with db.reading() as uow:
            repo = Repository(uow)
            numbers: dict[str, set[str]] = {}
            rules: list[tuple[str, str, set[str]]] = []
            for account in ("11111111", "99999999"):
                for extension in await repo.list_extensions(account):
                    stored = await repo.list_forwarding_numbers(extension.id)
                    numbers[extension.id] = {n.id for n in stored}
                    for rule in await repo.list_rules(extension.id):
                        audit = await repo.list_audit(extension.id, "answering-rule", rule.id)
                        # The change and its audit record commit together or not at all.
                        if audit:
                            assert int(audit[0]["version"]) == rule.version, rule.id
                        referenced = rule.forwarding.active_number_ids()
                        rules.append((extension.id, rule.id, referenced))
            return numbers, rules
    finally:
        await db.dispose()


def test_sigkill_in_the_middle_of_writes_leaves_every_rule_whole(live_server: LiveServer) -> None:
    token = live_server.token()
    ledgers = [Ledger() for _ in range(NUMBER_WORKERS + RULE_WORKERS)]
    threads = [
        threading.Thread(target=number_worker, args=(live_server, token, i, ledgers[i]))
        for i in range(NUMBER_WORKERS)
    ] + [
        threading.Thread(target=rule_worker, args=(live_server, token, i, ledgers[i]))
        for i in range(NUMBER_WORKERS, NUMBER_WORKERS + RULE_WORKERS)
    ]
    for thread in threads:
        thread.start()
    # Kill only once writes are flowing, so that some are surely in flight.
    deadline = time.monotonic() + 30
    while sum(ledger.acknowledged_writes for ledger in ledgers) < 60:
        assert time.monotonic() < deadline, "the writers made no progress"
        time.sleep(0.05)
    time.sleep(random.uniform(0.1, 0.5))
    live_server.stop(signal.SIGKILL)
    for thread in threads:
        thread.join(timeout=30)
        assert not thread.is_alive()

    if is_sqlite(live_server.db_url):
        path = make_url(live_server.db_url).database
        with sqlite3.connect(str(path)) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)

    live_server.start()
    numbers, rules = asyncio.run(_stored_state(live_server.db_url))
    for extension_id, rule_id, referenced in rules:
        missing = referenced - numbers[extension_id]
        assert not missing, f"rule {rule_id} of {extension_id} names missing numbers {missing}"

    mine = numbers["22222222"]
    for ledger in ledgers:
        assert (ledger.present - ledger.in_flight) <= mine, "an acknowledged number was lost"
        assert not (ledger.deleted & mine), "an acknowledged deletion was undone"

    with _client(live_server, live_server.token()) as client:
        listed = client.get(f"{EXT}/answering-rule", params={"perPage": 1000}).json()["records"]
        ids = {rule["id"] for rule in listed}
        for ledger in ledgers:
            assert ledger.rules_created <= ids, "an acknowledged rule was lost"
        for rule_id in ids:
            response = client.get(f"{EXT}/answering-rule/{rule_id}")
            assert response.status_code == 200, response.text
            for group in response.json().get("forwarding", {}).get("rules", []):
                assert group["forwardingNumbers"], f"rule {rule_id} has an empty group"
        # And the server still takes writes.
        assert (
            client.put(RULE, json={"forwarding": {"ringingMode": "Simultaneously"}}).status_code
            == 200
        )
