"""``ringforward export`` / ``import`` on an enhanced account: v2 states and rules."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from tests.client.helpers import cli_env
from tests.support.cli import run_cli
from tests.support.servers import PASSWORD, LiveServer

USER_EXT = "22222233"


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, env=env)


def enhanced_env(server: LiveServer) -> dict[str, str]:
    env = cli_env(server)
    env.update(RINGCENTRAL_USERNAME="enhanced@example.com", RINGCENTRAL_PASSWORD=PASSWORD)
    return env


def exported(env: dict[str, str], extension: str = "~") -> dict[str, Any]:
    result = run(env, "export", "--extension", extension)
    assert result.returncode == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def comparable(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "extension"}


def test_export_then_import_copies_an_enhanced_extension(
    live_server: LiveServer, tmp_path: Path
) -> None:
    env = enhanced_env(live_server)
    source = exported(env)
    assert source["format"] == "ringforward-comm-handling/1"
    assert [r["displayName"] for r in source["interactionRules"]] == ["VIP caller"]
    file = tmp_path / "admin.json"
    file.write_text(json.dumps(source))
    dry = run(env, "import", str(file), "--extension", USER_EXT, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "would create interaction rule VIP caller" in dry.stdout
    assert comparable(exported(env, USER_EXT)) != comparable(source)
    done = run(env, "import", str(file), "--extension", USER_EXT)
    assert done.returncode == 0, done.stderr
    assert comparable(exported(env, USER_EXT)) == comparable(source)
    again = run(env, "import", str(file), "--extension", USER_EXT)
    assert again.returncode == 0 and "Nothing to change" in again.stdout


def test_a_legacy_export_is_refused_on_an_enhanced_account(
    live_server: LiveServer, tmp_path: Path
) -> None:
    legacy = run(cli_env(live_server), "export")
    assert legacy.returncode == 0, legacy.stderr
    file = tmp_path / "legacy.json"
    file.write_text(legacy.stdout)
    env = enhanced_env(live_server)
    before = exported(env)
    refused = run(env, "import", str(file))
    assert refused.returncode == 1 and "enhanced" in refused.stderr
    assert exported(env) == before
