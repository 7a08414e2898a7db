"""Running the ``ringforward groups`` CLI: in the test process, or as twenty real processes
at once. What the tests arrange and read through the API is in tests/support/rest.py."""

from __future__ import annotations

import os
import subprocess

from tests.support import cli
from tests.support.servers import CLIENT_ID, CLIENT_SECRET, PASSWORD, LiveServer


def cli_env(server: LiveServer, *, jwt: str | None = None) -> dict[str, str]:
    """The RINGCENTRAL_* variables for ``server``: a JWT login if given, else a password one."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("RINGCENTRAL_")}
    env.update(
        RINGCENTRAL_SERVER_URL=server.base_url,
        RINGCENTRAL_CLIENT_ID=CLIENT_ID,
        RINGCENTRAL_CLIENT_SECRET=CLIENT_SECRET,
    )
    if jwt:
        env["RINGCENTRAL_JWT_TOKEN"] = jwt
    else:
        env.update(RINGCENTRAL_USERNAME="admin@example.com", RINGCENTRAL_PASSWORD=PASSWORD)
    return env


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """``ringforward groups *args`` with ``env`` as its environment, in the test process."""
    return cli.run_cli("groups", *args, env=env)


def run_cli_together(
    env: dict[str, str], commands: list[list[str]], timeout: float = 600
) -> list[subprocess.CompletedProcess[str]]:
    """``ringforward groups *command`` for every command at once, each a process of its own
    (forked from one that imported the CLI: tests/support/forked_cli.py), and wait for all."""
    answers = cli.run_together([["groups", *command] for command in commands], env, timeout)
    return [
        subprocess.CompletedProcess(command, answer.returncode, answer.stdout, answer.stderr)
        for command, answer in zip(commands, answers, strict=True)
    ]


def jwt_credential(server: LiveServer, extension: str = "22222222") -> str:
    return cli.jwt_credential(server.db_url, extension)
