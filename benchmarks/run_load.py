"""Load benchmark: GET and PUT of an answering rule, GET of the forwarding-number list and
business hours, on SQLite, PostgreSQL and the ceiling."""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from benchmarks.load import spread
from benchmarks.load.processes import (
    ROOT,
    ServerProcess,
    ceiling_server,
    create_postgres_database,
    drop_postgres_database,
    export_sources,
    login,
    renice_database_backends,
    ringforward_server,
    wait_for_idle,
)
from benchmarks.load.report import (
    LoadRun,
    load_section,
    machine_description,
    software_description,
    write_section,
)
from benchmarks.load.wrk import (
    READ_URL_PATHS,
    RULE_URL_PATH,
    Measurement,
    run_wrk,
    wrk_version,
)

BACKENDS = ("sqlite", "postgresql", "ceiling-stdlib", "ceiling")
METHODS = ("GET", *READ_URL_PATHS, "PUT", spread.METHOD)
DEFAULT_POSTGRES = os.environ.get(
    "RINGFORWARD_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)
# The ceiling checks no token, but gets a header of the same size as a real one.
CEILING_TOKEN = "c" * 43
SETTLE_SECONDS = 1.0
# Other processes using less than this many cores count as a quiet machine.
IDLE_CORES = 0.25


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10, help="length of each measured run")
    parser.add_argument("--warmup", type=float, default=2, help="unrecorded run per method")
    parser.add_argument("--clients", default="1,16,64", help="comma-separated client counts")
    parser.add_argument(
        "--methods",
        default=",".join(METHODS),
        help=(
            f"a subset of {', '.join(METHODS)} "
            f"(GET and PUT: one rule; {spread.METHOD}: 64 extensions' rules)"
        ),
    )
    parser.add_argument("--backends", default=",".join(BACKENDS), help="subset of the four")
    parser.add_argument(
        "--wait-idle",
        type=float,
        default=0,
        help="before each row, wait up to this many seconds for the machine to be quiet",
    )
    parser.add_argument(
        "--nice",
        type=int,
        default=0,
        help="scheduling priority of the servers, their PostgreSQL backends and wrk "
        "(negative needs root): keeps other work on a shared machine from skewing figures",
    )
    parser.add_argument(
        "--revision",
        help="measure src/ of this git revision (e.g. HEAD) instead of the working tree",
    )
    parser.add_argument("--postgres-admin-url", default=DEFAULT_POSTGRES)
    parser.add_argument("--readme", type=Path, default=ROOT / "benchmarks" / "README.md")
    parser.add_argument("--results", type=Path, default=ROOT / "benchmarks/load/results.json")
    parser.add_argument("--no-write", action="store_true", help="print only; keep the files")
    parser.add_argument(
        "--render-only",
        action="store_true",
        help="measure nothing: rewrite the README section from --results (after editing notes)",
    )
    args = parser.parse_args(argv)
    args.clients = [int(value) for value in args.clients.split(",")]
    known = {method.upper(): method for method in METHODS}
    args.methods = [known.get(value.strip().upper(), value) for value in args.methods.split(",")]
    for method in args.methods:
        if method not in METHODS:
            parser.error(f"unknown method {method!r}; choose from {', '.join(METHODS)}")
    args.backends = [value.strip() for value in args.backends.split(",")]
    for backend in args.backends:
        if backend not in BACKENDS:
            parser.error(f"unknown backend {backend!r}; choose from {', '.join(BACKENDS)}")
    return args


def read_rule(server: ServerProcess, token: str, path: str = RULE_URL_PATH) -> dict[str, Any]:
    response = httpx.get(
        f"{server.base_url}{path}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    response.raise_for_status()
    rule: dict[str, Any] = response.json()
    return rule


@contextmanager
def running(server: ServerProcess) -> Iterator[ServerProcess]:
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def database_for(backend: str, workdir: Path, admin_url: str) -> Iterator[tuple[str, str | None]]:
    """(SQLAlchemy URL, PostgreSQL version or None) of an empty database, removed after."""
    if backend == "sqlite":
        yield f"sqlite:///{workdir / 'ringforward.db'}", None
        return
    url, server_version = create_postgres_database(admin_url)
    try:
        yield url, server_version
    finally:
        drop_postgres_database(admin_url, url)


def drive(
    server: ServerProcess,
    backend: str,
    token: str,
    args: argparse.Namespace,
    spread_targets: Sequence[str] = (),
) -> list[Measurement]:
    """Warm up, then every method at every client count; the rule must stay readable."""
    rows: list[Measurement] = []
    for method in args.methods:
        targets = spread_targets if method == spread.METHOD else ()
        if args.warmup > 0:
            run_wrk(
                server,
                backend,
                method=method,
                clients=16,
                seconds=args.warmup,
                token=token,
                nice=args.nice,
                targets=targets,
            )
            time.sleep(SETTLE_SECONDS)
        for clients in args.clients:
            if args.wait_idle > 0:
                busy = wait_for_idle(args.wait_idle, IDLE_CORES)
                if busy >= IDLE_CORES:
                    log(f"  (machine still busy: {busy:.2f} cores; measuring anyway)")
            if args.nice:
                renice_database_backends(server.database_name, args.nice)
            row = run_wrk(
                server,
                backend,
                method=method,
                clients=clients,
                seconds=args.seconds,
                token=token,
                nice=args.nice,
                targets=targets,
            )
            log(
                f"  {backend:10} {method} x{clients:<3} {row.requests_per_second:>8,.0f} req/s"
                f"  p50 {row.p50_ms:7.1f} ms  p99 {row.p99_ms:7.1f} ms  failed {row.failures}"
                f"  CPU server {row.server_cpu_percent:.0f} % db {row.database_cpu_percent:.0f} %"
                f" other {row.other_cpu_percent:.0f} %"
            )
            rows.append(row)
            # Requests still queued in the server when wrk stops must not slow the next run.
            time.sleep(SETTLE_SECONDS)
    if not backend.startswith("ceiling"):
        rule = read_rule(server, token)
        ring_count = rule["forwarding"]["rules"][0]["ringCount"]
        if ring_count not in (3, 4):
            raise RuntimeError(f"{backend}: rule left with ringCount {ring_count}")
        log(f"  {backend}: rule still valid after the load (ringCount {ring_count})")
    return rows


def measure(args: argparse.Namespace, workdir: Path) -> tuple[list[Measurement], str | None]:
    rows: list[Measurement] = []
    postgres_version: str | None = None
    captured: dict[str, Any] | None = None
    reads: dict[str, Any] = {}
    source = export_sources(args.revision, workdir / "source") if args.revision else None
    for backend in [name for name in BACKENDS if name in args.backends]:
        if backend.startswith("ceiling"):
            if captured is None:
                captured, reads = capture_rule(workdir, source)
            rule_file = workdir / "rule.json"
            rule_file.write_text(json.dumps(captured))
            reads_file = workdir / "reads.json"
            reads_file.write_text(json.dumps(ceiling_reads(reads)))
            stack = "stdlib" if backend == "ceiling-stdlib" else "fast"
            log(f"{backend}: in-memory rule JSON on the {stack} stack")
            log_path = workdir / f"{backend}.log"
            ceiling = ceiling_server(rule_file, log_path, args.nice, stack, reads_file)
            with running(ceiling) as server:
                rows += drive(server, backend, CEILING_TOKEN, args, spread.ceiling_targets())
            continue
        with database_for(backend, workdir, args.postgres_admin_url) as (url, version):
            postgres_version = version or postgres_version
            log(f"{backend}: ringforward serve --demo --db {url}")
            log_path = workdir / f"{backend}.log"
            with running(ringforward_server(url, log_path, args.nice, source)) as server:
                token = login(server.base_url)
                if captured is None:
                    captured, reads = read_documents(server, token)
                targets = (
                    spread.prepare_targets(server.base_url, url, token)
                    if spread.METHOD in args.methods
                    else []
                )
                rows += drive(server, backend, token, args, targets)
    return rows, postgres_version


def read_documents(server: ServerProcess, token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The rule's JSON, and the other reads' JSON by method, as the server answers them."""
    reads = {method: read_rule(server, token, path) for method, path in READ_URL_PATHS.items()}
    return read_rule(server, token), reads


def ceiling_reads(reads: dict[str, Any]) -> dict[str, Any]:
    """The other reads by the ceiling's route path (the ids as path parameters)."""
    here = "/account/~/extension/~/"
    template = "/account/{accountId}/extension/{extensionId}/"
    return {READ_URL_PATHS[method].replace(here, template): body for method, body in reads.items()}


def capture_rule(workdir: Path, source: Path | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The demo's documents from a short-lived SQLite server (when no backend ran first)."""
    capture_dir = workdir / "capture"
    capture_dir.mkdir()
    url = f"sqlite:///{capture_dir / 'ringforward.db'}"
    with running(ringforward_server(url, capture_dir / "server.log", source_dir=source)) as server:
        return read_documents(server, login(server.base_url))


def reproduce_command(argv: Sequence[str]) -> str:
    return " ".join(["uv run python -m benchmarks.run_load", *map(shlex.quote, argv)])


def main(argv: Sequence[str] | None = None) -> None:
    given = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(given)
    if args.render_only:
        run = LoadRun.from_json(args.results.read_text())
        write_section(args.readme, load_section(run))
        log(f"wrote {args.readme} from {args.results}")
        return
    wrk = wrk_version()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="ringforward-load-") as directory:
        rows, postgres_version = measure(args, Path(directory))
    log(f"done in {time.monotonic() - started:.0f} s")
    run = LoadRun(
        date=date.today().isoformat(),
        command=reproduce_command([arg for arg in given if arg != "--no-write"]),
        seconds=args.seconds,
        nice=args.nice,
        machine=machine_description(),
        software=software_description(postgres_version, wrk, args.revision),
        rows=tuple(rows),
    )
    if args.no_write:
        print(load_section(run))
        return
    args.results.write_text(run.to_json())
    write_section(args.readme, load_section(run))
    log(f"wrote {args.readme} and {args.results}")


if __name__ == "__main__":
    main()
