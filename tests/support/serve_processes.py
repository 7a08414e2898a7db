"""``ringforward serve`` as a process of its own, forked from one that has imported it.

A fork server (``forked_server.py``) forks every server process the tests start: a child
serves within a fraction of a CPU-second instead of importing everything first. A
parallel run starts one for all its workers before they start (``start_shared``, called
by ``tests/conftest.py``; the workers find its socket in ``FORK_SERVER_VARIABLE``); any
other test process starts its own when it first needs one. A server whose environment
asks for another value of what the project reads at import time is started afresh, as
``python -m ringforward.cli.main``. Either way the test holds a ``ServeProcess``: its end
is watched through a pidfd (the fork server, not the test, is the child's parent), and
signals go through that pidfd, so they can never reach another process that took the pid
over.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import IO

_FORK_SERVER = Path(__file__).with_name("forked_server.py")


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


FORK_SERVER_VARIABLE = "RINGFORWARD_TEST_FORK_SERVER"


class _ForkServer:
    """A fork server this process started; it ends when this process does."""

    def __init__(self) -> None:
        self.directory = tempfile.mkdtemp(prefix="ringforward-forks-")
        self.socket_path = os.path.join(self.directory, "socket")
        self._process = subprocess.Popen(
            [sys.executable, str(_FORK_SERVER), self.socket_path],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        stdout: IO[bytes] | None = self._process.stdout
        if stdout is None or stdout.readline() != b"ready\n":
            raise RuntimeError("the fork server for server processes did not start")
        atexit.register(self.close)

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        shutil.rmtree(self.directory, ignore_errors=True)


_own: _ForkServer | None = None


def start_shared() -> None:
    """Start a fork server for the test processes this one will start (xdist's workers)."""
    global _own
    if _own is None:
        _own = _ForkServer()
        os.environ[FORK_SERVER_VARIABLE] = _own.socket_path


def _fork(arguments: list[str], env: dict[str, str], log_path: Path | None) -> int | None:
    """The pid of the child forked for this command line; None if it must start afresh."""
    global _own
    path = os.environ.get(FORK_SERVER_VARIABLE)
    if path is None:
        if _own is None:
            _own = _ForkServer()
        path = _own.socket_path
    request = {
        "args": arguments,
        "env": env,
        "cwd": os.getcwd(),
        "log": str(log_path) if log_path else None,
    }
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.connect(path)
        connection.sendall(json.dumps(request).encode() + b"\n")
        with connection.makefile("rb") as answers:
            line = answers.readline()
    if not line:
        raise RuntimeError("the fork server for server processes has ended")
    answer: dict[str, int] = json.loads(line)
    return answer.get("pid")


def start_serve_process(
    arguments: list[str], env: dict[str, str], log_path: Path | None
) -> ServeProcess:
    """``ringforward <arguments>`` in a process of its own, with exactly ``env``."""
    pid = _fork(arguments, env, log_path)
    if pid is not None:
        return ServeProcess(pid)
    log = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115
    command = [sys.executable, "-m", "ringforward.cli.main", *arguments]
    popen = subprocess.Popen(command, stdout=log, stderr=log, env=env)
    return ServeProcess(popen.pid, popen)
