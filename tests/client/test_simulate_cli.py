"""``ringforward simulate`` against a server (the connection settings) and a local database."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from ringforward.cli.simulate import render_timeline
from tests.client.helpers import cli_env
from tests.support import cli
from tests.support.servers import LiveServer

CALL = ["--at", "2026-11-30T10:00:00", "--from", "+12065550123"]
API = "/account/~/extension/22222222/call-flow/simulate"


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return cli.run_cli("simulate", *args, env=env)


def no_connection_env(data_home: Path) -> dict[str, str]:
    """No RINGCENTRAL_* variable, and a default local database of our own (empty)."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("RINGCENTRAL_", "RINGFORWARD_"))
    }
    env["XDG_DATA_HOME"] = str(data_home)
    return env


def test_with_a_server_configured_it_prints_the_servers_document(
    shared_server: LiveServer, tmp_path: Path
) -> None:
    # The default local database is empty: only the server can know extension 22222222.
    env = {**cli_env(shared_server), "XDG_DATA_HOME": str(tmp_path)}
    as_json = run(env, "--extension", "22222222", *CALL, "--json")
    assert as_json.returncode == 0, as_json.stderr
    with shared_server.client() as client:
        expected = client.post(API, json={"at": CALL[1], "from": CALL[3]}).json()
    assert json.loads(as_json.stdout) == expected
    text = run(env, "--extension", "22222222", *CALL)
    assert text.returncode == 0, text.stderr
    assert text.stdout.rstrip("\n") == render_timeline(expected)
    assert not (tmp_path / "ringforward").exists()  # no local database was opened


def test_server_mode_takes_the_flags_and_the_callers_permissions(
    shared_server: LiveServer, tmp_path: Path
) -> None:
    env = no_connection_env(tmp_path)
    flags = ["--server", shared_server.base_url, "--client-id", "demo-client-id"]
    flags += ["--client-secret", "demo-client-secret", "--password", "Demo-Passw0rd"]
    # The logged-in user's own extension by "~", as on the server.
    mine = run(env, "--extension", "~", *CALL, *flags, "--username", "user@example.com")
    assert mine.returncode == 0, mine.stderr
    assert json.loads(
        run(
            env, "--extension", "~", *CALL, *flags, "--username", "user@example.com", "--json"
        ).stdout
    )["rule"]["id"]
    # A user may not simulate a colleague's extension: the server's 403, exit 1.
    colleague = run(env, "--extension", "22222222", *flags, "--username", "user@example.com")
    assert colleague.returncode == 1 and "error:" in colleague.stderr
    assert colleague.stdout == ""


def test_server_refusals_exit_1_with_the_parameter(shared_server: LiveServer) -> None:
    result = run(cli_env(shared_server), "--extension", "22222222", "--at", "tomorrow")
    assert result.returncode == 1
    assert "(at)" in result.stderr


def test_a_server_without_credentials_is_a_usage_error(
    shared_server: LiveServer, tmp_path: Path
) -> None:
    env = {**no_connection_env(tmp_path), "RINGCENTRAL_SERVER_URL": shared_server.base_url}
    result = run(env, "--extension", "22222222")
    assert result.returncode == 2
    assert "missing connection settings" in result.stderr


def test_db_wins_over_a_configured_server(shared_server: LiveServer, tmp_path: Path) -> None:
    # The server named is not running: the answer can only come from the database.
    env = {**cli_env(shared_server), "RINGCENTRAL_SERVER_URL": "http://127.0.0.1:9"}
    result = run(env, "--extension", "22222222", *CALL, "--json", "--db", shared_server.db_url)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["rule"]["id"] == "business-hours-rule"
    refused = run(env, "--extension", "22222222", *CALL)
    assert refused.returncode == 1  # without --db it does go to the (absent) server


def test_both_modes_print_the_same_text_and_json(shared_server: LiveServer) -> None:
    server = cli_env(shared_server)
    for extra in ([], ["--json"]):
        remote = run(server, "--extension", "22222222", *CALL, *extra)
        local = run(server, "--extension", "22222222", *CALL, *extra, "--db", shared_server.db_url)
        assert remote.returncode == local.returncode == 0, remote.stderr + local.stderr
        assert remote.stdout == local.stdout


def test_with_neither_it_reads_the_default_local_database(
    shared_server: LiveServer, tmp_path: Path
) -> None:
    env = no_connection_env(tmp_path)
    fresh = run(env, "--extension", "22222222")
    # The default database (under XDG_DATA_HOME) was created and has no such extension.
    assert fresh.returncode == 1 and "does not exist" in fresh.stderr
    assert (tmp_path / "ringforward" / "ringforward.db").exists()
    env["RINGFORWARD_DB"] = shared_server.db_url
    result = run(env, "--extension", "22222222", *CALL, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["rule"]["id"] == "business-hours-rule"
