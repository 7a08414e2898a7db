"""Which worker of a ``serve --workers N`` process holds a connection, seen from outside.

The server says nothing about its workers (no header, no endpoint): the operating system
does. On Linux, ``/proc/net/tcp`` maps the server side of a loopback connection to a
socket inode, and ``/proc/<pid>/fd`` shows which worker process holds that inode. A
keep-alive connection stays with the worker that accepted it, so a test opens fresh
connections until every worker holds one (pausing those already found, so that another
must accept), then talks to each worker over its own.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_ESTABLISHED = "01"
# Longest a worker is paused while another is reached (uvicorn's health check waits 5 s).
_PAUSE = 2.0


def worker_pids(parent: int) -> set[int]:
    """The child processes of ``parent`` (uvicorn's workers, and its helpers)."""
    children = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # Fields after the parenthesised command name: state, then the parent's pid.
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
            children.add(int(entry.name))
    return children


def _server_socket_inode(server_port: int, client_port: int) -> str | None:
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, remote, state, inode = fields[1], fields[2], fields[3], fields[9]
            if (
                state == _ESTABLISHED
                and int(local.rsplit(":", 1)[1], 16) == server_port
                and int(remote.rsplit(":", 1)[1], 16) == client_port
            ):
                return inode
    return None


def connection_owner(parent: int, server_port: int, client_port: int) -> int | None:
    """The child of ``parent`` holding the server side of the connection from ``client_port``."""
    inode = _server_socket_inode(server_port, client_port)
    if inode is None:
        return None
    wanted = f"socket:[{inode}]"
    for pid in worker_pids(parent):
        directory = f"/proc/{pid}/fd"
        try:
            descriptors = os.listdir(directory)
        except OSError:
            continue
        for descriptor in descriptors:
            try:
                if os.readlink(f"{directory}/{descriptor}") == wanted:
                    return pid
            except OSError:
                continue
    return None


@dataclass
class WorkerConnection:
    """A keep-alive connection to one worker process (reopened to the same worker when the
    server closed it for idling: uvicorn does after 5 s)."""

    connection: http.client.HTTPConnection
    pid: int
    parent: int
    port: int

    def call(
        self, method: str, path: str, headers: dict[str, str], body: bytes | None = None
    ) -> tuple[int, Any]:
        """(status, JSON body or None) of one request on this connection."""
        try:
            return self._call(method, path, headers, body)
        except (http.client.RemoteDisconnected, ConnectionError):
            self.connection.close()
            self.connection = _reach(self.parent, self.port, {self.pid})[1]
            return self._call(method, path, headers, body)

    def _call(
        self, method: str, path: str, headers: dict[str, str], body: bytes | None
    ) -> tuple[int, Any]:
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        return response.status, json.loads(data) if data else None

    def close(self) -> None:
        self.connection.close()


def _reach(
    parent: int, port: int, wanted: set[int], patience: float = 60.0
) -> tuple[int, http.client.HTTPConnection]:
    """A fresh connection answered by one of the ``wanted`` children of ``parent``.

    The kernel hands a new connection to whichever worker accepts it first, often the same
    one; so the other children are paused (SIGSTOP) while a connection is opened, and
    resumed (SIGCONT) right after: within uvicorn's 5 s health check, which would take a
    worker paused longer for hung. A worker still starting accepts nothing: the search
    goes on for up to ``patience`` seconds.
    """
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        others = worker_pids(parent) - wanted
        for pid in others:
            _signal(pid, signal.SIGSTOP)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=_PAUSE)
        try:
            # A first answer on the connection: by then a worker has accepted it.
            connection.request("GET", "/restapi")
            connection.getresponse().read()
        except OSError:
            connection.close()
            continue
        finally:
            for pid in others:
                _signal(pid, signal.SIGCONT)
        assert connection.sock is not None
        connection.sock.settimeout(30)
        pid = connection_owner(parent, port, connection.sock.getsockname()[1])
        if pid is not None and pid in wanted:
            return pid, connection
        connection.close()
        time.sleep(0.01)
    raise AssertionError(f"no connection reached the workers {wanted} in {patience} s")


def _signal(pid: int, number: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # a helper that has just ended
        os.kill(pid, number)


def one_connection_per_worker(parent: int, port: int, workers: int) -> list[WorkerConnection]:
    """A keep-alive connection to each of ``workers`` different worker processes."""
    found: dict[int, WorkerConnection] = {}
    try:
        while len(found) < workers:
            pid, connection = _reach(parent, port, worker_pids(parent) - set(found))
            found[pid] = WorkerConnection(connection, pid, parent, port)
    except BaseException:
        for kept in found.values():
            kept.close()
        raise
    return list(found.values())
