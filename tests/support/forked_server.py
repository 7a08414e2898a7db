"""Start ``ringforward serve`` processes by forking one that has imported the server.

A server process spends about a CPU-second importing FastAPI, SQLAlchemy, pydantic,
uvicorn and the project before it serves, and the suite starts dozens of them.
``python forked_server.py`` imports all of that once, then reads one request per line on
stdin (JSON: the command line's arguments, the environment, the working directory and
the log file) and forks a child that runs the command line as ``python -m
ringforward.cli.main`` would, answering the child's pid on stdout. The child is a process
of its own (its own memory, sockets, database connections and signals), stopped, killed
and started again like any other; only the imports are shared. This process stays
single-threaded so that ``fork`` is safe, and it ends when its stdin closes.

What the project reads from the environment at import time
(``RINGFORWARD_PASSWORD_HASH_COST``) is read here once: the suite sets it before this
process starts (``tests/conftest.py``), and ``serve_processes.py`` starts a plain
process instead when a server's own environment asks for another value.
"""

from __future__ import annotations

import json
import os
import select
import sys
import traceback
from typing import Any, NoReturn

from forked_cli import _exit_code


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


def _child(app: Any, request: dict[str, Any]) -> NoReturn:
    code = 1
    try:
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        # stdin and stdout were this process's requests and answers: not the child's.
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
        try:
            app(args=request["args"], prog_name="ringforward")
            code = 0
        except SystemExit as exit:
            code = _exit_code(exit)
        except BaseException:  # what an uncaught exception does to a process
            traceback.print_exc()
            code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _reap() -> None:
    """Collect the children that ended (their ends are watched through pidfds)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def main() -> None:
    app = _import_what_serve_imports()
    requests = sys.stdin.buffer
    print(json.dumps({"ready": os.getpid()}), flush=True)
    while True:
        readable, _, _ = select.select([requests], [], [], 1.0)
        _reap()
        if not readable:
            continue
        line = requests.readline()
        if not line:
            return
        pid = os.fork()
        if pid == 0:
            _child(app, json.loads(line))
        print(json.dumps({"pid": pid}), flush=True)


if __name__ == "__main__":
    main()
