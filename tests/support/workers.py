"""Which worker of a ``serve --workers N`` process holds a connection, seen from outside.

The server says nothing about its workers (no header, no endpoint): the operating system
does. On Linux, ``/proc/net/tcp`` maps the server side of a loopback connection to a
socket inode, and ``/proc/<pid>/fd`` shows which worker process holds that inode. A
keep-alive connection stays with the worker that accepted it, so a test opens fresh
connections until every worker holds one, then talks to each worker over its own.
"""

from __future__ import annotations

import http.client
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_ESTABLISHED = "01"


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
    """One keep-alive connection, and the worker process that answers on it."""

    connection: http.client.HTTPConnection
    pid: int

    def call(
        self, method: str, path: str, headers: dict[str, str], body: bytes | None = None
    ) -> tuple[int, Any]:
        """(status, JSON body or None) of one request on this connection."""
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        return response.status, json.loads(data) if data else None

    def close(self) -> None:
        self.connection.close()


def one_connection_per_worker(
    parent: int, port: int, workers: int, attempts: int = 500
) -> list[WorkerConnection]:
    """A keep-alive connection to each of ``workers`` different worker processes.

    Fresh connections are opened (and the surplus closed) until as many workers have
    answered; fails if the kernel handed every connection to fewer workers.
    """
    found: dict[int, WorkerConnection] = {}
    for _ in range(attempts):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        # A first answer on the connection: by then a worker has accepted it.
        connection.request("GET", "/restapi")
        connection.getresponse().read()
        assert connection.sock is not None
        pid = connection_owner(parent, port, connection.sock.getsockname()[1])
        if pid is not None and pid not in found:
            found[pid] = WorkerConnection(connection, pid)
            if len(found) == workers:
                return list(found.values())
        else:
            connection.close()
    for kept in found.values():
        kept.close()
    raise AssertionError(f"{attempts} connections reached only {len(found)} of {workers} workers")
