"""Memory and cold start with 10,000 extensions x 5 answering rules, on SQLite and PostgreSQL.

Provisions 100 accounts of 100 extensions each (every extension with its business-hours
and after-hours rules and three custom rules matching callers) straight into a fresh
database in bulk, starts ``ringforward serve`` on it, and measures: the time until it
answers, its resident memory, the first and second authenticated GET, and resident memory
once every extension's rule (and call flow) has been read into memory.

Rewrites the ``scale`` section of benchmarks/README.md (``--no-write`` only prints it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import httpx
from benchmarks.bench_workers import load_now
from benchmarks.load.processes import (
    ROOT,
    ServerProcess,
    create_postgres_database,
    drop_postgres_database,
    free_port,
)
from benchmarks.load.report import machine_description, publish
from sqlalchemy import insert

from ringforward.domain.model import Account, AnsweringRule, Caller
from ringforward.service.provisioning import DEMO_CLIENT_ID, load_demo, standard_rules
from ringforward.service.secrets import hash_password, hash_token, new_token
from ringforward.store import tables as t
from ringforward.store.codec import rule_to_document
from ringforward.store.database import Database, migrate

ACCOUNTS = 100
EXTENSIONS_PER_ACCOUNT = 100
CUSTOM_RULES = 3
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
CONCURRENCY = 16
SIMULATE_BODY = {"at": "2026-11-30T10:00", "from": "+12065550123"}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def account_id(index: int) -> str:
    return str(70_000_000 + index)


def extension_id(account: int, position: int) -> str:
    return str(71_000_000 + account * EXTENSIONS_PER_ACCOUNT + position)


def custom_rules(owner: str, number: int) -> list[AnsweringRule]:
    return [
        AnsweringRule(
            id=str(60_000_000 + number * CUSTOM_RULES + k),
            extension_id=owner,
            type="Custom",
            name=f"Caller {k}",
            callers=(Caller(f"+1415{number:04d}{k:03d}"[:12]),),
            position=2 + k,
        )
        for k in range(CUSTOM_RULES)
    ]


def rule_row(rule: AnsweringRule) -> dict[str, object]:
    return {
        "extension_id": rule.extension_id,
        "rule_id": rule.id,
        "position": rule.position,
        "type": rule.type,
        "enabled": rule.enabled,
        "version": rule.version,
        "document": rule_to_document(rule),
    }


async def provision(url: str) -> dict[str, str]:
    """The accounts, extensions and rules, in bulk; {account id: its admin's token}."""
    await migrate(url)
    db = Database(url)
    tokens: dict[str, str] = {}
    password_hash = hash_password("Scale-Passw0rd")  # one hash for all: argon2 is slow
    try:
        await load_demo(db)  # the OAuth app the tokens belong to
        for a in range(ACCOUNTS):
            account = Account(account_id(a), f"Company {a}", f"+1650600{a:04d}", "America/Chicago")
            extensions, rules = [], []
            for e in range(EXTENSIONS_PER_ACCOUNT):
                owner = extension_id(a, e)
                extensions.append({
                    "id": owner, "account_id": account.id, "extension_number": str(101 + e),
                    "name": f"User {a}-{e}", "email": f"u{owner}@scale.example",
                    "password_hash": password_hash, "is_admin": e == 0,
                })  # fmt: skip
                number = a * EXTENSIONS_PER_ACCOUNT + e
                rules += [rule_row(r) for r in standard_rules(owner) + custom_rules(owner, number)]
            token = new_token()
            tokens[account.id] = token
            async with db.writing() as uow:
                await uow.connection.execute(insert(t.accounts).values(**account.__dict__))
                await uow.connection.execute(insert(t.extensions), extensions)
                await uow.connection.execute(insert(t.answering_rules), rules)
                await uow.connection.execute(
                    insert(t.tokens).values(
                        token_hash=hash_token(token), kind="access", session_id=f"scale-{a}",
                        extension_id=extension_id(a, 0), client_id=DEMO_CLIENT_ID,
                        expires_at=time.time() + 86_400,
                    )
                )  # fmt: skip
    finally:
        await db.dispose()
    return tokens


def resident_kib(pid: int, field: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


@dataclass(frozen=True)
class ScaleRun:
    backend: str
    provision_seconds: float
    start_seconds: float
    rss_started_mib: float
    first_get_ms: float
    second_get_ms: float
    other_account_first_get_ms: float
    read_all_seconds: float
    rss_rules_mib: float
    simulate_all_seconds: float
    rss_simulated_mib: float
    peak_rss_mib: float
    warm_get_median_ms: float


async def read_everything(
    base: str, tokens: dict[str, str], method: str
) -> tuple[float, list[float]]:
    """Every extension's business-hours rule (GET) or call flow (POST), 16 at a time."""
    queue = [(a, e) for a in range(ACCOUNTS) for e in range(EXTENSIONS_PER_ACCOUNT)]
    latencies: list[float] = []

    async def worker(client: httpx.AsyncClient) -> None:
        while queue:
            a, e = queue.pop()
            path = f"/restapi/v1.0/account/{account_id(a)}/extension/{extension_id(a, e)}"
            headers = {"Authorization": f"Bearer {tokens[account_id(a)]}"}
            started = time.perf_counter()
            if method == "GET":
                response = await client.get(f"{path}/answering-rule/business-hours-rule",
                                            headers=headers)  # fmt: skip
            else:
                response = await client.post(f"{path}/call-flow/simulate", headers=headers,
                                             json=SIMULATE_BODY)  # fmt: skip
            latencies.append(time.perf_counter() - started)
            response.raise_for_status()

    started = time.monotonic()
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        await asyncio.gather(*(worker(client) for _ in range(CONCURRENCY)))
    return time.monotonic() - started, latencies


def timed_get(client: httpx.Client, token: str, account: int, position: int) -> float:
    """Milliseconds for one GET of a rule, on an already open connection."""
    path = (
        f"/restapi/v1.0/account/{account_id(account)}/extension/"
        f"{extension_id(account, position)}/answering-rule/business-hours-rule"
    )
    started = time.perf_counter()
    response = client.get(path, headers={"Authorization": f"Bearer {token}"})
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    return elapsed * 1000


def measure(backend: str, url: str, workdir: Path) -> ScaleRun:
    started = time.monotonic()
    tokens = asyncio.run(provision(url))
    provision_seconds = time.monotonic() - started
    log(f"{backend}: provisioned in {provision_seconds:.1f} s")
    port = free_port()
    command = [sys.executable, "-m", "ringforward.cli.main", "serve", "--port", str(port),
               "--db", url]  # fmt: skip
    server = ServerProcess("ringforward serve", command, port, workdir / f"{backend}.log")
    launched = time.monotonic()
    server.start(timeout=120)
    start_seconds = time.monotonic() - launched
    assert server.process is not None
    pid = server.process.pid
    try:
        rss_started = resident_kib(pid) / 1024
        base = server.base_url
        client = httpx.Client(base_url=base, timeout=60)
        client.get("/restapi").raise_for_status()  # the connection, opened before timing
        first = timed_get(client, tokens[account_id(0)], 0, 1)
        second = timed_get(client, tokens[account_id(0)], 0, 1)
        other = timed_get(client, tokens[account_id(1)], 1, 2)
        read_all, _ = asyncio.run(read_everything(base, tokens, "GET"))
        rss_rules = resident_kib(pid) / 1024
        simulate_all, _ = asyncio.run(read_everything(base, tokens, "POST"))
        rss_simulated = resident_kib(pid) / 1024
        warm = [timed_get(client, tokens[account_id(a)], a, 3) for a in range(ACCOUNTS)]
        client.close()
        run = ScaleRun(
            backend=backend,
            provision_seconds=round(provision_seconds, 1),
            start_seconds=round(start_seconds, 2),
            rss_started_mib=round(rss_started, 1),
            first_get_ms=round(first, 1),
            second_get_ms=round(second, 1),
            other_account_first_get_ms=round(other, 1),
            read_all_seconds=round(read_all, 1),
            rss_rules_mib=round(rss_rules, 1),
            simulate_all_seconds=round(simulate_all, 1),
            rss_simulated_mib=round(rss_simulated, 1),
            peak_rss_mib=round(resident_kib(pid, "VmHWM") / 1024, 1),
            warm_get_median_ms=round(statistics.median(warm), 2),
        )
    finally:
        server.stop()
    log(f"  {run}")
    return run


def section(runs: Sequence[ScaleRun], when: str, load: str) -> str:
    rows = [
        ("provisioning, in bulk (s)", "provision_seconds"),
        ("`serve` start until it answers (s)", "start_seconds"),
        ("resident memory once started (MiB)", "rss_started_mib"),
        ("first authenticated GET of a rule (ms)", "first_get_ms"),
        ("the same GET again (ms)", "second_get_ms"),
        ("first GET in another account (ms)", "other_account_first_get_ms"),
        ("GET every extension's rule, 16 at a time (s)", "read_all_seconds"),
        ("resident memory after that (MiB)", "rss_rules_mib"),
        ("simulate a call to every extension, 16 at a time (s)", "simulate_all_seconds"),
        ("resident memory after that (MiB)", "rss_simulated_mib"),
        ("peak resident memory (MiB)", "peak_rss_mib"),
        ("median warm GET, one per account (ms)", "warm_get_median_ms"),
    ]
    header = "| | " + " | ".join(run.backend for run in runs) + " |"
    lines = [header, "| --- |" + " ---: |" * len(runs)]
    for label, name in rows:
        values = " | ".join(f"{getattr(run, name):,}" for run in runs)
        lines.append(f"| {label} | {values} |")
    table = "\n".join(lines)
    notes_file = Path(__file__).with_name("load") / "scale_notes.md"
    notes = notes_file.read_text().strip() if notes_file.exists() else ""
    return f"""## Memory and cold start: 10,000 extensions x 5 rules

Measured {when} on {machine_description()}; {load} when the run ended.

Reproduce: `uv run python -m benchmarks.bench_scale` (PostgreSQL as above).

{ACCOUNTS} accounts of {EXTENSIONS_PER_ACCOUNT} extensions, each with its business-hours
and after-hours rules and {CUSTOM_RULES} custom rules (a caller condition each), written
in bulk into a fresh SQLite file and a fresh PostgreSQL database, then one
`ringforward serve` process (one worker, default settings) started on each. *First GET*
is the first request after start (token unknown to the process, nothing in memory);
resident memory is the server's `VmRSS`, the peak its `VmHWM`. The read model keeps
{EXTENSIONS_PER_ACCOUNT} accounts' answers here (up to `RINGFORWARD_READ_MODEL_ACCOUNTS`,
1,000 by default).

{table}

{notes}
"""


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--postgres-admin-url", default=DEFAULT_POSTGRES)
    parser.add_argument("--readme", type=Path, default=ROOT / "benchmarks" / "README.md")
    parser.add_argument("--results", type=Path, default=ROOT / "benchmarks/load/scale.json")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--render-only", action="store_true", help="rewrite from --results")
    args = parser.parse_args(argv)
    if args.render_only:
        saved = json.loads(args.results.read_text())
        runs = [ScaleRun(**run) for run in saved["runs"]]
        when, load = saved["date"], saved["load"]
    else:
        runs = []
        with tempfile.TemporaryDirectory(prefix="ringforward-scale-") as directory:
            workdir = Path(directory)
            for backend in args.backends.split(","):
                if backend == "sqlite":
                    runs.append(measure(backend, f"sqlite:///{workdir / 'scale.db'}", workdir))
                    continue
                url, _version = create_postgres_database(args.postgres_admin_url)
                try:
                    runs.append(measure(backend, url, workdir))
                finally:
                    drop_postgres_database(args.postgres_admin_url, url)
        when, load = date.today().isoformat(), load_now()
        saved = {"date": when, "load": load, "runs": [asdict(run) for run in runs]}
        if not args.no_write:
            args.results.write_text(json.dumps(saved, indent=2) + "\n")
    publish(args.readme, section(runs, when, load), "scale", print_only=args.no_write)


if __name__ == "__main__":
    main()
