"""Real servers for tests: a ``ringforward serve`` process on a free port, and databases."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

POSTGRES_ADMIN_URL = os.environ.get(
    "RINGFORWARD_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)
CLIENT_ID = "demo-client-id"
CLIENT_SECRET = "demo-client-secret"
PASSWORD = "Demo-Passw0rd"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def postgres_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


async def _postgres_admin(statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(POSTGRES_ADMIN_URL)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def create_postgres_database() -> str:
    """A new, empty PostgreSQL database; returns its SQLAlchemy URL."""
    name = f"ringforward_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_postgres_admin(f'CREATE DATABASE "{name}"'))
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base.replace('postgresql://', 'postgresql+asyncpg://')}/{name}"


def drop_postgres_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    asyncio.run(_postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@dataclass
class LiveServer:
    """One ``ringforward serve`` process; restartable on the same database and port."""

    db_url: str
    extra_args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> LiveServer:
        command = [
            sys.executable,
            "-m",
            "ringforward.cli.main",
            "serve",
            "--port",
            str(self.port),
            "--db",
            self.db_url,
            "--demo",
            *self.extra_args,
        ]
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            command, stdout=log, stderr=log, env={**os.environ, **self.env}
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}")
            try:
                if httpx.get(f"{self.base_url}/restapi", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("server did not start in time")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def restart(self) -> LiveServer:
        self.stop()
        return self.start()

    def token(self, email: str = "admin@example.com", password: str = PASSWORD) -> str:
        response = httpx.post(
            f"{self.base_url}/restapi/oauth/token",
            auth=(CLIENT_ID, CLIENT_SECRET),
            data={"grant_type": "password", "username": email, "password": password},
        )
        response.raise_for_status()
        token: str = response.json()["access_token"]
        return token

    def client(self, email: str = "admin@example.com") -> httpx.Client:
        """An httpx client logged in as ``email`` with the password grant."""
        return httpx.Client(
            base_url=f"{self.base_url}/restapi/v1.0",
            headers={"Authorization": f"Bearer {self.token(email)}"},
            timeout=30,
        )
