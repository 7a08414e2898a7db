"""Start ``ringforward serve`` processes by forking one that has imported the server.

A server process spends about a CPU-second importing FastAPI, SQLAlchemy, pydantic,
uvicorn and the project before it serves, and the suite starts dozens of them.
``python forked_server.py SOCKET`` imports all of that once, then listens on the Unix
socket ``SOCKET``: each connection sends one request line (JSON: the command line's
arguments, the environment, the working directory and the log file), and this process
forks a child that runs the command line as ``python -m ringforward.cli.main`` would,
answering the child's pid. The child is a process of its own (its own memory, sockets,
database connections and signals), stopped, killed and started again like any other;
only the imports are shared. This process stays single-threaded so that ``fork`` is
safe; it ends when its stdin closes (its starter ended).

What the project reads from the environment at import time is read here once; a request
whose environment asks for another value of it is refused (``{"refused": ...}``), and
its server is started afresh instead (``serve_processes.py``).
"""

from __future__ import annotations

import json
import os
import select
import socket
import sys
from typing import Any, NoReturn

from forked_cli import run_and_exit

# Read by the project at import time (service/secrets.py).
READ_AT_IMPORT = ("RINGFORWARD_PASSWORD_HASH_COST",)


def _import_what_serve_imports() -> Any:
    """The command and what ``serve`` imports only when it runs: the application, the
    database drivers and the HTTP server's loop and protocol."""
    import aiosqlite  # noqa: F401
    import asyncpg  # noqa: F401
    import redis.asyncio  # noqa: F401
    import sqlalchemy.dialects.postgresql.asyncpg
    import sqlalchemy.dialects.sqlite.aiosqlite  # noqa: F401
    import uvicorn
    import uvicorn.lifespan.on
    import uvicorn.loops.uvloop
    import uvicorn.protocols.http.httptools_impl  # noqa: F401

    import ringforward.api.app  # noqa: F401
    from ringforward.cli.main import app

    return app


def _child(app: Any, request: dict[str, Any], listener: socket.socket) -> NoReturn:
    def as_asked() -> None:
        listener.close()
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        # stdin tells this process when its starter ended: not the child's business.
        nothing = os.open(os.devnull, os.O_RDONLY)
        os.dup2(nothing, 0)
        os.close(nothing)
        log = request["log"]
        output = (
            os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            if log
            else os.open(os.devnull, os.O_WRONLY)
        )
        os.dup2(output, 1)
        os.dup2(output, 2)
        os.close(output)
        sys.argv = ["ringforward", *request["args"]]

    run_and_exit(app, request["args"], as_asked)


def _reap() -> None:
    """Collect the children that ended (their ends are watched through pidfds)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _answer(app: Any, connection: socket.socket, listener: socket.socket) -> None:
    with connection, connection.makefile("rb") as lines:
        request = json.loads(lines.readline())
        refused = [
            name for name in READ_AT_IMPORT if request["env"].get(name) != os.environ.get(name)
        ]
        if refused:
            connection.sendall(json.dumps({"refused": refused}).encode() + b"\n")
            return
        pid = os.fork()
        if pid == 0:
            connection.close()
            _child(app, request, listener)
        connection.sendall(json.dumps({"pid": pid}).encode() + b"\n")


def main() -> None:
    app = _import_what_serve_imports()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(sys.argv[1])
    listener.listen(64)
    print("ready", flush=True)
    while True:
        readable, _, _ = select.select([listener, sys.stdin], [], [], 1.0)
        _reap()
        if sys.stdin in readable and not sys.stdin.buffer.read1(1):
            return
        if listener in readable:
            connection, _ = listener.accept()
            _answer(app, connection, listener)


if __name__ == "__main__":
    main()
