"""The load section of benchmarks/README.md: machine, command, table of figures, notes."""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from importlib.metadata import version
from pathlib import Path

from benchmarks.load.wrk import Measurement

OBSERVATIONS = Path(__file__).with_name("observations.md")
BACKEND_ORDER = ("sqlite", "postgresql", "ceiling-stdlib", "ceiling")


def machine_description() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory_kib = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory_kib = int(line.split()[1])
    return (
        f"{os.cpu_count()} cores ({model}), {memory_kib / 2**20:.0f} GiB RAM, "
        f"Linux {platform.release()}"
    )


def source_description(revision: str | None) -> str:
    """Which code was measured: the commit, and whether src/ differed from it."""
    root = Path(__file__).resolve().parents[2]

    def git(*args: str) -> str:
        result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
        return result.stdout.strip() if result.returncode == 0 else ""

    commit = git("rev-parse", "--short", revision or "HEAD") or "unknown commit"
    # An exported revision is exactly that commit; the working tree may differ from HEAD.
    dirty = "" if revision else git("status", "--porcelain", "--", "src")
    return f"ringforward at {commit}" + (" (src/ with uncommitted changes)" if dirty else "")


def software_description(postgres_version: str | None, wrk: str, revision: str | None) -> str:
    # uvicorn picks httptools/uvloop only when installed; say which one really ran.
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    parts = [
        source_description(revision),
        f"Python {platform.python_version()}",
        f"uvicorn {version('uvicorn')} ({http}, {loop} loop, 1 process)",
        f"FastAPI {version('fastapi')}",
        f"SQLAlchemy {version('sqlalchemy')}",
        f"SQLite {sqlite3.sqlite_version} (aiosqlite {version('aiosqlite')})",
    ]
    if postgres_version:
        parts.append(f"PostgreSQL {postgres_version} (asyncpg {version('asyncpg')})")
    parts.append(wrk)
    return ", ".join(parts)


def _ratio(row: Measurement, ceiling: Measurement | None) -> str:
    if ceiling is None or ceiling.requests_per_second == 0:
        return "n/a"
    return f"{row.requests_per_second / ceiling.requests_per_second:.2f}"


def _database_cpu(row: Measurement) -> str:
    # SQLite runs inside the server process, so its time is already in "server CPU".
    return f"{row.database_cpu_percent:.0f} %" if row.backend == "postgresql" else "n/a"


def figures_table(rows: Sequence[Measurement]) -> str:
    # The ceiling is the fastest stack measured for the same method and clients, so the
    # choice of stack counts in every ratio.
    ceilings: dict[tuple[str, int], Measurement] = {}
    for row in rows:
        if row.backend.startswith("ceiling"):
            best = ceilings.get((row.method, row.clients))
            if best is None or row.requests_per_second > best.requests_per_second:
                ceilings[(row.method, row.clients)] = row
    ordered = sorted(
        rows,
        key=lambda row: (row.method, row.clients, BACKEND_ORDER.index(row.backend)),
    )
    lines = [
        "| method | clients | backend | req/s | p50 ms | p99 ms | max ms | vs ceiling "
        "| failed | server CPU | db CPU | other CPU |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in ordered:
        lines.append(
            f"| {row.method} | {row.clients} | {row.backend} | {row.requests_per_second:,.0f} "
            f"| {row.p50_ms:.1f} | {row.p99_ms:.1f} | {row.max_ms:.0f} "
            f"| {_ratio(row, ceilings.get((row.method, row.clients)))} | {row.failures} "
            f"| {row.server_cpu_percent:.0f} % | {_database_cpu(row)} "
            f"| {row.other_cpu_percent:.0f} % |"
        )
    return "\n".join(lines)


@dataclass(frozen=True)
class LoadRun:
    """One benchmark run: where and how it was measured, and its figures."""

    date: str
    command: str
    seconds: float
    nice: int
    machine: str
    software: str
    rows: tuple[Measurement, ...]

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> LoadRun:
        data = json.loads(text)
        rows = tuple(Measurement(**row) for row in data.pop("rows"))
        return cls(**data, rows=rows)


def load_section(run: LoadRun) -> str:
    rows, seconds, nice = run.rows, run.seconds, run.nice
    notes = OBSERVATIONS.read_text().strip() if OBSERVATIONS.exists() else ""
    return f"""## Load: GET and PUT of an answering rule, GET of forwarding numbers and hours

Measured {run.date} on {run.machine}.
Software: {run.software}.

Reproduce from the project root (needs Debian's `wrk`: `apt-get install wrk`; PostgreSQL on
127.0.0.1:5432 as user `postgres`, where the script creates and drops its own database):

```sh
{run.command}
```

Each backend runs as a real `ringforward serve --demo` process on a free loopback port
(SQLite file in a temporary directory; PostgreSQL in a fresh database), logged in with the
password grant as the demo admin. `wrk` (one thread, in its own process, keep-alive
connections, each sending its next request as soon as the previous one is answered) drives
`GET` and `PUT .../account/~/extension/~/answering-rule/business-hours-rule` (and, as
`GET-numbers` and `GET-hours`, `GET .../forwarding-number` and `.../business-hours`) for
{seconds:g} s per row after a short unrecorded warm-up; the `PUT` sets `ringCount` of
group 1 to 4 and back to 3 in turn, so every request is valid and changes the rule;
`PUT-64EXT` does the same to the business-hours rule of 64 extensions of the demo account
in turn, each ringing a forwarding number of its own (`benchmarks/load/spread.py`), so that
concurrent requests write different extensions. The *ceiling* is
`benchmarks/load/ceiling.py`: FastAPI and uvicorn serving the same JSON, captured from the
real server, from memory (its `PUT` parses the body and applies the ring count; no
database, no token check, no schema validation), measured on two stacks: *ceiling-stdlib*
(asyncio loop, h11, stdlib json: uvicorn's pure-Python default) and *ceiling* (uvloop,
httptools, orjson). *vs ceiling* is req/s divided by the req/s of the faster of the two
for the same method and clients, so the choice of stack counts in the ratio.
`ringforward serve` runs on uvloop and httptools. *failed* counts non-2xx answers,
timeouts and socket errors. CPU columns are CPU time over the run in % of one core:
*server* is the server process (all its threads, so SQLite's work too), *db* the
PostgreSQL backends of the benchmark's database, *other* whatever else the machine ran
meanwhile (wrk excluded): noise that takes cores from the server.
{_priority_note(nice)}

{figures_table(rows)}

{notes}
"""


def _priority_note(nice: int) -> str:
    if nice == 0:
        return "Everything ran at normal priority."
    return (
        f"The servers and wrk ran at nice {nice}, each in a session of its\nown so that the "
        "priority holds against other sessions' work on the shared machine; the\nPostgreSQL "
        "backends of the benchmark's database got the same nice, which ranks them only\n"
        "among the PostgreSQL server's own processes."
    )


def write_section(readme: Path, section: str, name: str = "load") -> None:
    """Replace what stands between the ``name`` markers, and nothing else."""
    text = readme.read_text()
    opening, closing = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    start, end = text.find(opening), text.find(closing)
    if start < 0 or end < start:
        raise SystemExit(f"{readme} lacks the markers {opening} … {closing}")
    readme.write_text(f"{text[: start + len(opening)]}\n{section.strip()}\n{text[end:]}")


def publish(readme: Path, section: str, name: str, *, print_only: bool) -> None:
    """Print the section, or write it between the ``name`` markers of ``readme``."""
    if print_only:
        print(section)
        return
    write_section(readme, section, name)
    print(f"wrote {readme}", file=sys.stderr, flush=True)
