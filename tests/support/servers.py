"""Servers for tests: the app in a thread of the test process, or a real ``ringforward serve``.

A test talks to either over real HTTP on a free port, so clients, the SDK and the CLI see a
URL. In-process is the default: it starts in milliseconds rather than seconds. A process
(``process=True``) is for the tests where the process itself is the point: a kill -9,
a restart, its log, or several processes sharing one database or one Redis.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import ssl
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx

from tests.support.serve_processes import ServeProcess, start_serve_process

T = TypeVar("T")
POSTGRES_ADMIN_URL = os.environ.get(
    "RINGFORWARD_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)
CLIENT_ID = "demo-client-id"
CLIENT_SECRET = "demo-client-secret"
PASSWORD = "Demo-Passw0rd"

# The ``serve`` flags an in-process server honours, as Settings fields (None: a switch).
_VALUE_FLAGS = {
    "--rate-limits": "rate_limits",
    "--rate-limit-storage": "rate_limit_storage",
    "--forwarded-allow-ips": "forwarded_allow_ips",
}
_SWITCHES = {"--strict-ringcentral": "strict_ringcentral"}
_ENV_PREFIX = "RINGFORWARD_"
# One TLS context for the clients made here. The servers speak plain HTTP, but httpx builds
# a context for each client otherwise, loading the CA bundle: 20 ms of CPU every time.
TLS = ssl.create_default_context()


def share_one_tls_context() -> None:
    """Give every httpx client in this process TLS above instead of a context of its own.

    ``httpx.get`` and its kind make a client per call, and each client loaded the CA bundle
    for servers that speak plain HTTP: 20-80 ms of CPU every time,
    19 of the 31 CPU-seconds of tests/api/test_fast_reads.py. A client that asks for
    anything but the default verification still builds its own.
    """
    from httpx._transports import default

    build = default.create_ssl_context

    def shared(
        verify: ssl.SSLContext | str | bool = True, cert: Any = None, trust_env: bool = True
    ) -> ssl.SSLContext:
        if verify is True and cert is None:
            return TLS
        return build(verify=verify, cert=cert, trust_env=trust_env)

    default.create_ssl_context = shared


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


def postgres_admin(statement: str) -> None:
    """Run one statement as PostgreSQL's administrator (in the maintenance database)."""
    asyncio.run(_postgres_admin(statement))


def create_postgres_database() -> str:
    """A new, empty PostgreSQL database; returns its SQLAlchemy URL."""
    name = f"ringforward_test_{uuid.uuid4().hex[:12]}"
    postgres_admin(f'CREATE DATABASE "{name}"')
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base.replace('postgresql://', 'postgresql+asyncpg://')}/{name}"


def drop_postgres_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def settings_fields(extra_args: list[str], env: dict[str, str]) -> dict[str, Any] | None:
    """The Settings fields for these ``serve`` flags and variables; None when one of them
    means nothing to Settings (a log level, a flag added later), so only a process obeys it."""
    from ringforward.config import Settings

    fields: dict[str, Any] = {}
    for name, value in env.items():
        key = name.removeprefix(_ENV_PREFIX).lower()
        if not name.startswith(_ENV_PREFIX) or key not in Settings.model_fields:
            return None
        fields[key] = value
    arguments = iter(extra_args)
    for argument in arguments:
        flag, has_value, value = argument.partition("=")
        if flag in _SWITCHES and not has_value:
            fields[_SWITCHES[flag]] = True
        elif flag in _VALUE_FLAGS:
            fields[_VALUE_FLAGS[flag]] = value if has_value else next(arguments)
        else:
            return None
    return fields


@dataclass
class LiveServer:
    """A demo server on a free port, restartable on the same database and port.

    In the test process unless ``process`` is set (or a flag or variable needs a process).
    """

    db_url: str
    extra_args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    log_path: Path | None = None
    process: bool = False
    _popen: ServeProcess | None = field(default=None, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)
    _uvicorn: Any = field(default=None, repr=False)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def app(self) -> Any:
        """The application of an in-process server (its ``state`` holds the database)."""
        if self._uvicorn is None:
            raise RuntimeError("only an in-process server has its application here")
        return self._uvicorn.config.app

    def run_inside(self, work: Callable[[], Awaitable[T]], timeout: float = 30) -> T:
        """Run ``work()`` on an in-process server's own event loop, as the server would."""
        if self._uvicorn is None:
            raise RuntimeError("only an in-process server runs work on its loop")
        loop: asyncio.AbstractEventLoop = self._uvicorn.servers[0].get_loop()
        return asyncio.run_coroutine_threadsafe(work(), loop).result(timeout=timeout)

    @property
    def pid(self) -> int:
        """The server's process id: its own when it runs as a process."""
        return self._popen.pid if self._popen else os.getpid()

    def start(self, timeout: float = 60.0) -> LiveServer:
        fields = None if self.process else settings_fields(self.extra_args, self.env)
        if fields is None:
            return self._start_process(timeout)
        return self._start_thread(fields, timeout)

    def _start_thread(self, fields: dict[str, Any], timeout: float) -> LiveServer:
        import uvicorn

        from ringforward.api.app import create_app
        from ringforward.cli.main import proxy_options
        from ringforward.config import Settings

        settings = Settings(db=self.db_url, port=self.port, demo=True, **fields)
        config = uvicorn.Config(
            create_app(settings),
            host="127.0.0.1",
            port=self.port,
            log_config=None,
            log_level="warning",
            access_log=False,
            lifespan="on",
            **proxy_options(settings),
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, name=f"server:{self.port}", daemon=True)
        thread.start()
        deadline = time.monotonic() + timeout
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                server.should_exit = True
                thread.join(timeout=5)
                raise RuntimeError(f"in-process server on {self.base_url} did not start")
            time.sleep(0.005)
        self._uvicorn, self._thread = server, thread
        return self

    def _start_process(self, timeout: float) -> LiveServer:
        arguments = ["serve", "--port", str(self.port), "--db", self.db_url, "--demo"]
        self._popen = start_serve_process(
            [*arguments, *self.extra_args], {**os.environ, **self.env}, self.log_path
        )
        deadline = time.monotonic() + timeout
        with httpx.Client(verify=TLS, timeout=1) as http:
            while time.monotonic() < deadline:
                if not self._popen.running():
                    raise RuntimeError(f"server exited (log: {self.log_path})")
                try:
                    if http.get(f"{self.base_url}/restapi").status_code == 200:
                        return self
                except httpx.HTTPError:
                    time.sleep(0.05)
        raise RuntimeError("server did not start in time")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Stop the server; ``sig`` is the signal sent to a server process."""
        if self._thread is not None:
            self._uvicorn.should_exit = True
            self._thread.join(timeout=30)
            self._thread = self._uvicorn = None
        if self._popen and self._popen.running():
            self._popen.send_signal(sig)
            if not self._popen.wait(timeout=15):
                self._popen.send_signal(signal.SIGKILL)
                self._popen.wait(timeout=15)
        self._popen = None

    def restart(self) -> LiveServer:
        self.stop()
        return self.start()

    def token(self, email: str = "admin@example.com", password: str = PASSWORD) -> str:
        response = httpx.post(
            f"{self.base_url}/restapi/oauth/token",
            auth=(CLIENT_ID, CLIENT_SECRET),
            data={"grant_type": "password", "username": email, "password": password},
            timeout=30,
            verify=TLS,
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
            verify=TLS,
        )
