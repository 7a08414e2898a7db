"""Run several ``ringforward`` command lines at once, each in a process of its own.

``python forked_cli.py DIRECTORY COMMANDS_JSON`` imports the command once, then forks one
child process per command line; all of them run side by side, as separate processes with
their own connections. A child writes its stdout and stderr to ``DIRECTORY/<n>.out`` and
``<n>.err``; its exit status goes to ``<n>.code`` once it has ended. Forking after the
imports spares every child the interpreter's start-up and the CLI's imports, which made
twenty processes started one by one trickle in over seconds on a busy machine instead of
racing each other. What a command imports only once it runs is imported before the fork too
(``_import_what_a_run_imports``). Only the standard library, the command and what it imports
are imported here: the launcher must stay single-threaded for ``fork`` to be safe.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn


def _exit_code(exit: SystemExit) -> int:
    """The status a process ends with after ``exit``, as the interpreter decides it."""
    if exit.code is None:
        return 0
    if isinstance(exit.code, int):
        return exit.code
    print(exit.code, file=sys.stderr)
    return 1


def run_and_exit(app: Any, arguments: list[str], prepare: Callable[[], None]) -> NoReturn:
    """In a forked child: ``prepare()`` its descriptors and surroundings, run
    ``ringforward *arguments``, and end the process with the status the command gives."""
    code = 1
    try:
        prepare()
        try:
            app(args=arguments, prog_name="ringforward")
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


def _child(app: Any, arguments: list[str], output: Path) -> NoReturn:
    def to_files() -> None:
        for name, descriptor in ((".out", 1), (".err", 2)):
            opened = os.open(output.with_suffix(name), os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            os.dup2(opened, descriptor)
            os.close(opened)

    run_and_exit(app, arguments, to_files)


def _import_what_a_run_imports() -> None:
    """Import once, before the fork, what a command imports only when it runs, so that the
    children share it instead of each importing it again: Typer converts parameters with
    pydantic (which, on its first use, looks for plugins among the installed packages),
    and the HTTP client imports its transport and finds its CA bundle with its first
    client. Each child spent about 150 ms of CPU on a ``groups add``; about 65 ms now.
    """
    import certifi  # noqa: F401
    import httpcore  # noqa: F401
    import typer._adapters  # noqa: F401
    from pydantic.plugin._loader import get_plugins

    list(get_plugins())


def main() -> None:
    directory = Path(sys.argv[1])
    commands: list[list[str]] = json.loads(sys.argv[2])
    from ringforward.cli.main import app

    _import_what_a_run_imports()

    children = []
    for index, arguments in enumerate(commands):
        pid = os.fork()
        if pid == 0:
            _child(app, arguments, directory / str(index))
        children.append(pid)
    for index, pid in enumerate(children):
        _, status = os.waitpid(pid, 0)
        (directory / f"{index}.code").write_text(str(os.waitstatus_to_exitcode(status)))


if __name__ == "__main__":
    main()
