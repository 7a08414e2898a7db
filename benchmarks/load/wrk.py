"""One load run: wrk in its own process against a URL, with the server's CPU measured."""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from benchmarks.load.processes import (
    ServerProcess,
    busy_cores_between,
    database_backends_cpu_seconds,
    machine_cpu_seconds,
    niceness,
)

LUA_SCRIPT = Path(__file__).with_name("rule.lua")
RULE_URL_PATH = "/restapi/v1.0/account/~/extension/~/answering-rule/business-hours-rule"
# The other reads measured besides the rule's GET, by the name of their rows.
READ_URL_PATHS = {
    "GET-numbers": "/restapi/v1.0/account/~/extension/~/forwarding-number",
    "GET-hours": "/restapi/v1.0/account/~/extension/~/business-hours",
}


def url_path_of(method: str) -> str:
    """The path a row's requests go to: the rule, or one of the other reads."""
    return READ_URL_PATHS.get(method, RULE_URL_PATH)


MARKER = "WRK_JSON "
# The rows whose every request is the same: GETs, and a POST of one body.
FIXED_METHODS = frozenset({"GET", "POST", *READ_URL_PATHS})


@dataclass(frozen=True)
class Measurement:
    backend: str
    method: str
    clients: int
    seconds: float
    requests: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    failures: int
    # CPU over the run in % of one core: the server process (all threads), the PostgreSQL
    # backends of its database, and everything else on the machine except wrk.
    server_cpu_percent: float
    database_cpu_percent: float
    other_cpu_percent: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def wrk_executable() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("wrk is not installed: apt-get install wrk (Debian's package)")
    return found


def wrk_version() -> str:
    result = subprocess.run([wrk_executable(), "-v"], capture_output=True, text=True)
    return (result.stdout or result.stderr).split("\n")[0].split(" Copyright")[0].strip()


def run_wrk(
    server: ServerProcess,
    backend: str,
    *,
    method: str,
    clients: int,
    seconds: float,
    token: str,
    nice: int = 0,
    targets: Sequence[str] = (),
    path: str | None = None,
    body: str = "",
) -> Measurement:
    """``clients`` keep-alive connections, each sending its next request when one answers.

    ``path`` and (for a POST) the JSON ``body`` name another request than the rule's."""
    command = [
        wrk_executable(),
        "--threads", "1",
        "--connections", str(clients),
        "--duration", f"{seconds:g}s",
        # A slow answer is a figure to report, not a failure: only 30 s counts as a timeout.
        "--timeout", "30s",
        "--header", f"Authorization: Bearer {token}",
        "--script", str(LUA_SCRIPT),
        f"{server.base_url}{path or url_path_of(method)}",
        "--", method, *([body] if method == "POST" else targets),
    ]  # fmt: skip
    # A request that never changes goes out as wrk's own pre-built one (rule.lua).
    env = {**os.environ, "RINGFORWARD_WRK_FIXED": "1" if method in FIXED_METHODS else "0"}
    before = _cpu_snapshot(server)
    wall_started = time.monotonic()
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=seconds + 120,
        preexec_fn=niceness(nice),
        env=env,
    )
    wall = time.monotonic() - wall_started
    after = _cpu_snapshot(server)
    server_cpu, database_cpu, other_cpu = _cpu_percents(before, after, wall)
    lines = [line for line in result.stdout.splitlines() if line.startswith(MARKER)]
    if result.returncode != 0 or not lines:
        raise RuntimeError(f"wrk failed ({result.returncode}): {result.stdout}{result.stderr}")
    figures: dict[str, float] = json.loads(lines[-1].removeprefix(MARKER))
    elapsed = figures["duration_us"] / 1e6
    failures = sum(int(value) for key, value in figures.items() if key.startswith("errors_"))
    return Measurement(
        backend=backend,
        method=method,
        clients=clients,
        seconds=round(elapsed, 2),
        requests=int(figures["requests"]),
        requests_per_second=round(figures["requests"] / elapsed, 1),
        p50_ms=round(figures["p50_us"] / 1000, 2),
        p99_ms=round(figures["p99_us"] / 1000, 2),
        max_ms=round(figures["max_us"] / 1000, 2),
        failures=failures,
        server_cpu_percent=server_cpu,
        database_cpu_percent=database_cpu,
        other_cpu_percent=other_cpu,
    )


def _cpu_snapshot(server: ServerProcess) -> dict[str, float]:
    machine_busy, machine_total = machine_cpu_seconds()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "server": server.cpu_seconds(),
        "database": database_backends_cpu_seconds(server.database_name),
        "wrk": children.ru_utime + children.ru_stime,
        "machine_busy": machine_busy,
        "machine_total": machine_total,
    }


def _cpu_percents(
    before: dict[str, float], after: dict[str, float], elapsed: float
) -> tuple[float, float, float]:
    """Server, database and other CPU over ``elapsed`` seconds, in % of one core."""
    spent = {key: after[key] - before[key] for key in before}
    machine_cores = busy_cores_between(spent["machine_busy"], spent["machine_total"])
    ours = (spent["server"] + spent["database"] + spent["wrk"]) / elapsed
    return (
        round(100 * spent["server"] / elapsed, 1),
        round(100 * spent["database"] / elapsed, 1),
        round(100 * max(0.0, machine_cores - ours), 1),
    )
