"""``ringforward serve`` as a process of its own, forked from one that has imported it.

Each test process keeps one fork server (``forked_server.py``), started when it first
needs a server process: a child forked from it serves within a fraction of a CPU-second
instead of importing everything first. A server whose environment asks for another value
of what the project reads at import time is started afresh, as ``python -m
ringforward.cli.main``. Either way the test holds a ``ServeProcess``: its end is watched
through a pidfd (the fork server, not the test, is the child's parent), and signals go
through that pidfd, so they can never reach another process that took the pid over.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO

_FORK_SERVER = Path(__file__).with_name("forked_server.py")
# As in forked_server.py: what the project reads from the environment at import time.
_READ_AT_IMPORT = ("RINGFORWARD_PASSWORD_HASH_COST",)


class ServeProcess:
    """A server process the test started (not necessarily its own child)."""

    def __init__(self, pid: int, popen: subprocess.Popen[bytes] | None = None) -> None:
        self.pid = pid
        self._popen = popen
        self._pidfd: int | None
        try:
            self._pidfd = os.pidfd_open(pid)
        except ProcessLookupError:  # ended, and already collected
            self._pidfd = None

    def running(self) -> bool:
        return not self.wait(timeout=0)

    def wait(self, timeout: float) -> bool:
        """Whether the process ended within ``timeout`` seconds."""
        if self._pidfd is None:
            return True
        ended, _, _ = select.select([self._pidfd], [], [], timeout)
        if not ended:
            return False
        os.close(self._pidfd)
        self._pidfd = None
        if self._popen is not None:
            self._popen.wait()
        return True

    def send_signal(self, sig: int) -> None:
        if self._pidfd is not None:
            with contextlib.suppress(ProcessLookupError):
                signal.pidfd_send_signal(self._pidfd, sig)


class _ForkServer:
    def __init__(self) -> None:
        self.environment = dict(os.environ)
        self._process = subprocess.Popen(
            [sys.executable, str(_FORK_SERVER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=self.environment,
        )
        self._lock = threading.Lock()
        self._answer()  # ready once it has imported everything

    def _answer(self) -> dict[str, int]:
        stdout: IO[bytes] | None = self._process.stdout
        line = stdout.readline() if stdout is not None else b""
        if not line:
            raise RuntimeError("the fork server for server processes has ended")
        answer: dict[str, int] = json.loads(line)
        return answer

    def fork(self, arguments: list[str], env: dict[str, str], log_path: Path | None) -> int:
        request = {
            "args": arguments,
            "env": env,
            "cwd": os.getcwd(),
            "log": str(log_path) if log_path else None,
        }
        with self._lock:
            stdin = self._process.stdin
            assert stdin is not None
            stdin.write(json.dumps(request).encode() + b"\n")
            stdin.flush()
            return self._answer()["pid"]

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


_fork_server: _ForkServer | None = None


def _shared_fork_server() -> _ForkServer:
    global _fork_server
    if _fork_server is None:
        _fork_server = _ForkServer()
        atexit.register(_fork_server.close)
    return _fork_server


def start_serve_process(
    arguments: list[str], env: dict[str, str], log_path: Path | None
) -> ServeProcess:
    """``ringforward <arguments>`` in a process of its own, with exactly ``env``."""
    fork_server = _shared_fork_server()
    if all(env.get(name) == fork_server.environment.get(name) for name in _READ_AT_IMPORT):
        return ServeProcess(fork_server.fork(arguments, env, log_path))
    log = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115
    command = [sys.executable, "-m", "ringforward.cli.main", *arguments]
    popen = subprocess.Popen(command, stdout=log, stderr=log, env=env)
    return ServeProcess(popen.pid, popen)
