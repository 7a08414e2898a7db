"""Load benchmark: ``serve --workers 2`` on PostgreSQL (with and without Redis-backed rate
limits) against a two-worker ceiling, and ``POST …/call-flow/simulate`` against the ceiling.

Rewrites the ``workers`` section of benchmarks/README.md (``--no-write`` only prints it).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import httpx
from benchmarks.load.processes import (
    ROOT,
    ServerProcess,
    create_postgres_database,
    drop_postgres_database,
    free_port,
    login,
    process_cpu_seconds,
)
from benchmarks.load.report import machine_description, publish
from benchmarks.load.wrk import RULE_URL_PATH, Measurement, run_wrk, wrk_version
from benchmarks.run_load import running

SIMULATE_URL_PATH = "/restapi/v1.0/account/~/extension/~/call-flow/simulate"
# A Monday at 10:00 in the demo's zone: the business-hours rule answers, three groups ring.
SIMULATE_BODY = json.dumps({"at": "2026-11-30T10:00", "from": "+12065550123"})
REDIS = "redis://127.0.0.1:6379/0"
# Rate limits on, and high enough that none is reached: what is measured is their cost.
UNREACHED_LIMITS = "Light=100000000,Medium=100000000,Heavy=100000000,Auth=100000000"
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
CEILING_TOKEN = "c" * 43
SETTLE_SECONDS = 1.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class WorkerPool(ServerProcess):
    """A server whose work is done by its child processes: CPU is counted over all of them."""

    def cpu_seconds(self) -> float:
        if self.process is None:
            return 0.0
        pids = [self.process.pid, *child_pids(self.process.pid)]
        return sum(process_cpu_seconds(pid) for pid in pids)


def child_pids(parent: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text() if entry.name.isdigit() else ""
        except OSError:
            continue
        if stat and int(stat.rsplit(")", 1)[1].split()[1]) == parent:
            children.append(int(entry.name))
    return children


def ringforward(db_url: str, workdir: Path, label: str, *extra: str) -> WorkerPool:
    port = free_port()
    command = [
        sys.executable, "-m", "ringforward.cli.main", "serve",
        "--port", str(port), "--db", db_url, "--demo", *extra,
    ]  # fmt: skip
    database = db_url.rsplit("/", 1)[1] if db_url.startswith("postgresql") else None
    return WorkerPool(label, command, port, workdir / f"{label}.log", database)


def ceiling(workdir: Path, workers: int) -> WorkerPool:
    port = free_port()
    command = [
        sys.executable, "-m", "benchmarks.load.ceiling_workers", "--port", str(port),
        "--rule-file", str(workdir / "rule.json"),
        "--simulation-file", str(workdir / "simulation.json"),
        "--workers", str(workers),
    ]  # fmt: skip
    return WorkerPool(f"ceiling x{workers}", command, port, workdir / f"ceiling-{workers}.log")


@dataclass(frozen=True)
class Row:
    section: str  # "workers" or "simulate"
    label: str  # what served: "postgresql x2", "ceiling x2", …
    reference: str  # the label of the ceiling this row is compared with
    measurement: Measurement


def capture(workdir: Path) -> None:
    """The rule's and the simulation's JSON, from a short-lived SQLite server."""
    server = ringforward(f"sqlite:///{workdir / 'capture.db'}", workdir, "capture")
    with running(server):
        token = login(server.base_url)
        headers = {"Authorization": f"Bearer {token}"}
        rule = httpx.get(f"{server.base_url}{RULE_URL_PATH}", headers=headers, timeout=30)
        flow = httpx.post(
            f"{server.base_url}{SIMULATE_URL_PATH}",
            headers={**headers, "Content-Type": "application/json"},
            content=SIMULATE_BODY,
            timeout=30,
        )
    for response in (rule, flow):
        response.raise_for_status()
    (workdir / "rule.json").write_text(rule.text)
    (workdir / "simulation.json").write_text(flow.text)


def drive(
    server: ServerProcess, token: str, args: argparse.Namespace, *, method: str, path: str
) -> list[Measurement]:
    body = SIMULATE_BODY if method == "POST" else ""
    run_wrk(server, server.name, method=method, clients=16, seconds=args.warmup, token=token,
            path=path, body=body)  # fmt: skip
    rows = []
    for clients in args.clients:
        time.sleep(SETTLE_SECONDS)
        row = run_wrk(server, server.name, method=method, clients=clients, seconds=args.seconds,
                      token=token, path=path, body=body)  # fmt: skip
        log(
            f"  {server.name:28} {method} x{clients:<3} {row.requests_per_second:>8,.0f} req/s"
            f"  p99 {row.p99_ms:7.1f} ms  failed {row.failures}"
            f"  CPU server {row.server_cpu_percent:.0f} % other {row.other_cpu_percent:.0f} %"
        )
        rows.append(row)
    return rows


def measure(args: argparse.Namespace, workdir: Path) -> list[Row]:
    capture(workdir)
    rows: list[Row] = []

    def ceiling_rows(section: str, workers: int, method: str, path: str) -> None:
        with running(ceiling(workdir, workers)) as server:
            for row in drive(server, CEILING_TOKEN, args, method=method, path=path):
                rows.append(Row(section, server.name, server.name, row))

    def served_rows(section: str, server: WorkerPool, reference: str, method: str) -> None:
        path = SIMULATE_URL_PATH if method == "POST" else RULE_URL_PATH
        with running(server):
            for row in drive(server, login(server.base_url), args, method=method, path=path):
                rows.append(Row(section, server.name, reference, row))

    for workers in (1, 2):
        ceiling_rows("workers", workers, "GET", RULE_URL_PATH)
    ceiling_rows("simulate", 1, "POST", SIMULATE_URL_PATH)
    sqlite = f"sqlite:///{workdir / 'simulate.db'}"
    served_rows("simulate", ringforward(sqlite, workdir, "sqlite"), "ceiling x1", "POST")
    url, _version = create_postgres_database(args.postgres_admin_url)
    # Read by the servers started below (only the rate-limited one has limits to override).
    os.environ["RINGFORWARD_RATE_LIMIT_OVERRIDES"] = UNREACHED_LIMITS
    try:
        prefix = f"bench-{uuid.uuid4().hex[:8]}"
        for label, extra, reference in (
            ("postgresql", (), "ceiling x1"),
            ("postgresql x2", ("--workers", "2"), "ceiling x2"),
            (
                "postgresql x2, Redis limits",
                ("--workers", "2", "--rate-limits", "default",
                 "--rate-limit-storage", f"{REDIS}?prefix={prefix}"),
                "ceiling x2",
            ),
        ):  # fmt: skip
            served_rows("workers", ringforward(url, workdir, label, *extra), reference, "GET")
        served_rows("simulate", ringforward(url, workdir, "postgresql (simulate)"), "ceiling x1",
                    "POST")  # fmt: skip
    finally:
        drop_postgres_database(args.postgres_admin_url, url)
    return rows


def load_now() -> str:
    one, five, _fifteen = Path("/proc/loadavg").read_text().split()[:3]
    return f"load average {one} (1 min), {five} (5 min)"


def table(rows: Sequence[Row]) -> str:
    ceilings = {
        (row.section, row.label, row.measurement.clients): row.measurement.requests_per_second
        for row in rows
        if row.label.startswith("ceiling")
    }
    lines = [
        "| request | clients | served by | req/s | p50 ms | p99 ms | vs ceiling | failed "
        "| server CPU | other CPU |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in sorted(rows, key=lambda row: (row.section != "workers", row.measurement.clients)):
        m = row.measurement
        ceiling_rate = ceilings.get((row.section, row.reference, m.clients), 0.0)
        ratio = f"{m.requests_per_second / ceiling_rate:.2f}" if ceiling_rate else "n/a"
        request = "GET rule" if row.section == "workers" else "POST simulate"
        lines.append(
            f"| {request} | {m.clients} | {row.label} | {m.requests_per_second:,.0f} "
            f"| {m.p50_ms:.1f} | {m.p99_ms:.1f} | {ratio} ({row.reference}) | {m.failures} "
            f"| {m.server_cpu_percent:.0f} % | {m.other_cpu_percent:.0f} % |"
        )
    return "\n".join(lines)


def section(rows: Sequence[Row], args: argparse.Namespace, when: str, load: str) -> str:
    notes_file = Path(__file__).with_name("load") / "workers_notes.md"
    notes = notes_file.read_text().strip() if notes_file.exists() else ""
    return f"""## Load: two workers, and the call-flow simulation over HTTP

Measured {when} on {machine_description()}, {wrk_version()}; {load} when the run ended.

Reproduce (wrk, PostgreSQL as for the section above, Redis on 127.0.0.1:6379):

```sh
uv run python -m benchmarks.bench_workers --seconds {args.seconds:g}
```

Real processes on free loopback ports, driven by `wrk` as above ({args.seconds:g} s a row
after a warm-up). *x2* is two worker processes on one port: `ringforward serve --workers 2`,
and the ceiling (`benchmarks/load/ceiling_workers.py`: the in-memory FastAPI app of the
section above on uvloop, httptools and orjson) run by uvicorn with `workers=2`. *Redis
limits* turns RingCentral's rate limits on, counted in Redis
(`--rate-limit-storage redis://…`) with limits no run reaches, so the row shows what the
shared counters cost. *POST simulate* sends `{SIMULATE_BODY}` to
`…/extension/~/call-flow/simulate`; its ceiling parses the body and answers the captured
document. *vs ceiling* divides by the ceiling named in brackets, at the same clients, in
the same run. CPU columns: % of one core over the run, the server counting all its
worker processes.

{table(rows)}

{notes}
"""


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=4)
    parser.add_argument("--warmup", type=float, default=1)
    parser.add_argument("--clients", default="1,16,64")
    parser.add_argument("--postgres-admin-url", default=DEFAULT_POSTGRES)
    parser.add_argument("--readme", type=Path, default=ROOT / "benchmarks" / "README.md")
    parser.add_argument("--results", type=Path, default=ROOT / "benchmarks/load/workers.json")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--render-only", action="store_true", help="rewrite from --results")
    args = parser.parse_args(argv)
    args.clients = [int(value) for value in args.clients.split(",")]
    if args.render_only:
        saved = json.loads(args.results.read_text())
        rows = [
            Row(**{**row, "measurement": Measurement(**row["measurement"])})
            for row in saved["rows"]
        ]
        when, load = saved["date"], saved["load"]
    else:
        with tempfile.TemporaryDirectory(prefix="ringforward-workers-") as directory:
            rows = measure(args, Path(directory))
        when, load = date.today().isoformat(), load_now()
        saved = {"date": when, "load": load, "rows": [asdict(row) for row in rows]}
        if not args.no_write:
            args.results.write_text(json.dumps(saved, indent=2) + "\n")
    publish(args.readme, section(rows, args, when, load), "workers", print_only=args.no_write)


if __name__ == "__main__":
    main()
