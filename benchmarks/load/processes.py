"""Server processes under load: start on a free port, wait, measure CPU, stop; databases."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "demo-client-id"
CLIENT_SECRET = "demo-client-secret"
ADMIN_EMAIL = "admin@example.com"
PASSWORD = "Demo-Passw0rd"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def export_sources(revision: str, directory: Path) -> Path:
    """``src/`` of a git revision, unpacked into ``directory``; the path to import from."""
    directory.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "archive", "--format=tar", revision, "src"], cwd=ROOT, capture_output=True
    )
    if archive.returncode != 0:
        raise SystemExit(f"cannot export {revision}: {archive.stderr.decode().strip()}")
    subprocess.run(["tar", "-x", "-C", str(directory)], input=archive.stdout, check=True)
    return directory / "src"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class ServerProcess:
    """One server process listening on 127.0.0.1:port, ready once GET /restapi answers."""

    name: str
    command: list[str]
    port: int
    log_path: Path
    # The PostgreSQL database it uses, so that its backends' CPU time can be measured.
    database_name: str | None = None
    nice: int = 0
    # Put first on the child's import path: the ringforward sources to run, when not ours.
    source_dir: Path | None = None
    process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> ServerProcess:
        with self.log_path.open("ab") as log:
            # Launched as the interpreter itself (no wrapper), so the pid is the server's.
            env = dict(os.environ)
            if self.source_dir is not None:
                env["PYTHONPATH"] = os.pathsep.join(
                    filter(None, [str(self.source_dir), env.get("PYTHONPATH")])
                )
            self.process = subprocess.Popen(
                self.command,
                stdout=log,
                stderr=log,
                cwd=ROOT,
                env=env,
                preexec_fn=niceness(self.nice),
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.process.returncode}; see {self.log_path}"
                )
            try:
                if httpx.get(f"{self.base_url}/restapi", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer within {timeout} s; see {self.log_path}")

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server process (all its threads) so far."""
        return process_cpu_seconds(self.process.pid) if self.process else 0.0

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


def niceness(nice: int) -> Callable[[], None] | None:
    """A pre-exec hook giving a child (and every thread it starts) scheduling priority.

    Linux groups processes by session ("autogroups") and shares the CPU fairly between
    groups whatever the nice values inside them; so the child gets a session of its own,
    and that group gets the priority too.
    """
    if nice == 0:
        return None

    def prioritise() -> None:
        os.setsid()
        with contextlib.suppress(OSError):
            Path("/proc/self/autogroup").write_text(str(nice))
        os.setpriority(os.PRIO_PROCESS, 0, nice)

    return prioritise


def ringforward_server(
    db_url: str, log_path: Path, nice: int = 0, source_dir: Path | None = None
) -> ServerProcess:
    port = free_port()
    command = [
        sys.executable, "-m", "ringforward.cli.main", "serve",
        "--port", str(port), "--db", db_url, "--demo",
    ]  # fmt: skip
    database_name = db_url.rsplit("/", 1)[1] if db_url.startswith("postgresql") else None
    return ServerProcess(
        "ringforward serve", command, port, log_path, database_name, nice, source_dir
    )


def ceiling_server(
    rule_file: Path,
    log_path: Path,
    nice: int = 0,
    stack: str = "fast",
    reads_file: Path | None = None,
) -> ServerProcess:
    port = free_port()
    command = [
        sys.executable, "-m", "benchmarks.load.ceiling",
        "--port", str(port), "--rule-file", str(rule_file), "--stack", stack,
    ]  # fmt: skip
    if reads_file is not None:
        command += ["--reads-file", str(reads_file)]
    return ServerProcess("ceiling", command, port, log_path, nice=nice)


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far (0 when it has gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    # Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def database_backend_pids(database_name: str | None) -> list[int]:
    """The PostgreSQL backends serving ``database_name``, found by their process titles."""
    if not database_name:
        return []
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if title.startswith("postgres:") and f" {database_name} " in title:
            pids.append(int(entry.name))
    return pids


def database_backends_cpu_seconds(database_name: str | None) -> float:
    return sum(process_cpu_seconds(pid) for pid in database_backend_pids(database_name))


def renice_database_backends(database_name: str | None, nice: int) -> None:
    """Give the server's PostgreSQL connections the same priority as the server."""
    for pid in database_backend_pids(database_name):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, pid, nice)


def machine_cpu_seconds() -> tuple[float, float]:
    """(busy, elapsed) CPU seconds of the whole machine, summed over cores, since boot."""
    values = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    total = sum(values[:8])  # guest time is already counted in user
    return (total - idle) / CLOCK_TICKS, total / CLOCK_TICKS


def busy_cores_between(busy_seconds: float, total_seconds: float) -> float:
    """How many cores' worth of CPU a busy/total pair of machine-wide deltas amounts to."""
    return (os.cpu_count() or 1) * busy_seconds / max(total_seconds, 1e-9)


def wait_for_idle(max_seconds: float, busy_cores: float = 0.25) -> float:
    """Wait (up to ``max_seconds``) until the machine is quiet; the busy cores last seen.

    Other work on a shared machine takes cores from the server under test, so a run is
    started only once less than ``busy_cores`` cores' worth of CPU was busy for a second.
    """
    deadline = time.monotonic() + max_seconds
    while True:
        busy_before, total_before = machine_cpu_seconds()
        time.sleep(1.0)
        busy_after, total_after = machine_cpu_seconds()
        busy = busy_cores_between(busy_after - busy_before, total_after - total_before)
        if busy < busy_cores or time.monotonic() >= deadline:
            return busy


def login(base_url: str) -> str:
    """An access token for the demo admin, by the password grant."""
    response = httpx.post(
        f"{base_url}/restapi/oauth/token",
        auth=(CLIENT_ID, CLIENT_SECRET),
        data={"grant_type": "password", "username": ADMIN_EMAIL, "password": PASSWORD},
        timeout=30,
    )
    response.raise_for_status()
    token: str = response.json()["access_token"]
    return token


async def _postgres_admin(admin_url: str, statement: str) -> str:
    import asyncpg  # type: ignore[import-untyped]

    connection = await asyncpg.connect(admin_url)
    try:
        await connection.execute(statement)
        version: str = await connection.fetchval("SHOW server_version")
        return version
    finally:
        await connection.close()


def create_postgres_database(admin_url: str) -> tuple[str, str]:
    """A new empty database: (its SQLAlchemy URL, the server's version)."""
    name = f"ringforward_bench_{uuid.uuid4().hex[:12]}"
    version = asyncio.run(_postgres_admin(admin_url, f'CREATE DATABASE "{name}"'))
    base = admin_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    return f"{base}/{name}", version


def drop_postgres_database(admin_url: str, db_url: str) -> None:
    name = db_url.rsplit("/", 1)[1]
    asyncio.run(_postgres_admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
