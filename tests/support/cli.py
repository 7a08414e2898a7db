"""Running ``ringforward`` commands in the test process, through Typer's CliRunner.

A command runs in milliseconds this way instead of paying a Python start-up and the imports
of a fresh process. The answer is a ``CompletedProcess`` (return code, stdout, stderr), as a
real process would give, so a test can compare both ways alike.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Mapping
from pathlib import Path

from typer.testing import CliRunner

from ringforward.cli.main import app

# The command line of a real process, for the tests where the process is the point.
MAIN = [sys.executable, "-m", "ringforward.cli.main"]
# Starts many commands at once as processes of their own (see the module's docstring).
FORKED = [sys.executable, str(Path(__file__).with_name("forked_cli.py"))]


def _overrides(env: Mapping[str, str] | None) -> dict[str, str | None]:
    """``env`` as the whole environment of the command: what the test process has beyond
    it is unset for the command's duration, as it would be for a process given ``env``."""
    if env is None:
        return {}
    overrides: dict[str, str | None] = {key: None for key in os.environ if key not in env}
    overrides.update({key: value for key, value in env.items() if os.environ.get(key) != value})
    return overrides


def run_cli(
    *args: str, env: Mapping[str, str] | None = None, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``ringforward *args`` with ``env`` (the environment, or the test process's own)."""
    result = CliRunner().invoke(app, list(args), env=_overrides(env), input=input)
    stderr = result.stderr
    if result.exc_info is not None and not isinstance(result.exception, SystemExit):
        # What an uncaught exception prints when it ends a process.
        stderr += "".join(traceback.format_exception(*result.exc_info))
    return subprocess.CompletedProcess(
        ["ringforward", *args], result.exit_code, result.stdout, stderr
    )


def run_together(
    commands: list[list[str]], env: Mapping[str, str], timeout: float
) -> list[subprocess.CompletedProcess[str]]:
    """``ringforward *command`` for every command at once, each a process of its own, with
    ``env`` as their environment; the answers in the order of ``commands``. Processes still
    running after ``timeout`` seconds are killed (return code -9)."""
    with tempfile.TemporaryDirectory(prefix="ringforward-cli-") as directory:
        log = Path(directory, "launcher.log")
        with log.open("wb") as launcher_output:
            launcher = subprocess.Popen(
                [*FORKED, directory, json.dumps(commands)],
                env=dict(env),
                stdout=launcher_output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                launcher.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(launcher.pid, signal.SIGKILL)
                launcher.wait()
        results = []
        for index, command in enumerate(commands):
            output = Path(directory, str(index))
            code = output.with_suffix(".code")
            stderr = _read(output.with_suffix(".err"))
            if not code.exists():  # killed, or never started: say what the launcher said
                stderr += f"\n(no exit status; the launcher's output:)\n{_read(log)}"
            results.append(
                subprocess.CompletedProcess(
                    command,
                    int(code.read_text()) if code.exists() else -signal.SIGKILL,
                    _read(output.with_suffix(".out")),
                    stderr,
                )
            )
        return results


def _read(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""


def jwt_credential(db_url: str, extension: str = "22222222") -> str:
    """A JWT credential from ``ringforward jwt`` (the last line of its output)."""
    result = run_cli("jwt", "--extension", extension, "--db", db_url)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]
