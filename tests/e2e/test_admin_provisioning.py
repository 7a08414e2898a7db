"""``ringforward admin``: a self-hoster provisions an account, a user and an app, then logs in."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import httpx

from tests.support.cli import run_cli
from tests.support.servers import LiveServer


def admin(
    db_url: str, *arguments: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return run_cli("admin", *arguments, "--db", db_url, env={**os.environ, **(env or {})})


def test_provisioned_user_logs_in_with_the_provisioned_app_and_sees_only_its_account(
    tmp_path: Path,
) -> None:
    db_url = f"sqlite:///{tmp_path / 'self-hosted.db'}"
    account = admin(
        db_url,
        "add-account",
        "--name",
        "Acme",
        "--main-number",
        "(212) 555-0000",
        "--time-zone",
        "America/New_York",
    )
    assert account.returncode == 0, account.stderr
    account_id = account.stdout.strip()
    user = admin(
        db_url,
        "add-extension",
        "--account",
        account_id,
        "--number",
        "201",
        "--name",
        "Ada Admin",
        "--email",
        "ada@acme.example",
        "--admin",
        env={"RINGFORWARD_NEW_PASSWORD": "Acme-Passw0rd"},
    )
    assert user.returncode == 0, user.stderr
    extension_id = user.stdout.strip()
    app = admin(
        db_url,
        "add-app",
        "--client-id",
        "acme-app",
        env={"RINGFORWARD_NEW_CLIENT_SECRET": "acme-secret-1"},
    )
    assert app.returncode == 0, app.stderr

    server = LiveServer(db_url, log_path=tmp_path / "server.log").start()
    try:
        token = httpx.post(
            f"{server.base_url}/restapi/oauth/token",
            auth=("acme-app", "acme-secret-1"),
            data={
                "grant_type": "password",
                "username": "ada@acme.example",
                "password": "Acme-Passw0rd",
            },
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        api = f"{server.base_url}/restapi/v1.0"
        me = httpx.get(f"{api}/account/~/extension/~", headers=headers).json()
        assert str(me["id"]) == extension_id and me["permissions"]["admin"]["enabled"]
        acme = httpx.get(f"{api}/account/~", headers=headers).json()
        assert acme["mainNumber"] == "+12125550000"
        rules = httpx.get(f"{api}/account/~/extension/~/answering-rule", headers=headers).json()
        assert [r["id"] for r in rules["records"]] == ["business-hours-rule", "after-hours-rule"]
        # The demo account on the same server is out of reach.
        assert httpx.get(f"{api}/account/11111111", headers=headers).status_code == 404
    finally:
        server.stop()


def test_refusals_exit_1_with_the_reason_and_add_nothing(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'self-hosted.db'}"
    bad_zone = admin(
        db_url,
        "add-account",
        "--name",
        "Acme",
        "--main-number",
        "+12125550000",
        "--time-zone",
        "Mars/Olympus",
    )
    assert bad_zone.returncode == 1 and "time zone" in bad_zone.stderr
    bad_number = admin(
        db_url, "add-account", "--name", "Acme", "--main-number", "12", "--time-zone", "UTC"
    )
    assert bad_number.returncode == 1 and "mainNumber" in bad_number.stderr
    account_id = admin(
        db_url,
        "add-account",
        "--name",
        "Acme",
        "--main-number",
        "+12125550000",
        "--time-zone",
        "UTC",
    ).stdout.strip()
    password = {"RINGFORWARD_NEW_PASSWORD": "Acme-Passw0rd"}
    first = admin(
        db_url,
        "add-extension",
        "--account",
        account_id,
        "--number",
        "201",
        "--name",
        "A",
        "--email",
        "a@acme.example",
        env=password,
    )
    assert first.returncode == 0
    again = admin(
        db_url,
        "add-extension",
        "--account",
        account_id,
        "--number",
        "202",
        "--name",
        "B",
        "--email",
        "a@acme.example",
        env=password,
    )
    assert again.returncode == 1 and "already a login" in again.stderr
    short = admin(
        db_url,
        "add-extension",
        "--account",
        account_id,
        "--number",
        "203",
        "--name",
        "C",
        "--email",
        "c@acme.example",
        env={"RINGFORWARD_NEW_PASSWORD": "short"},
    )
    assert short.returncode == 1 and "password" in short.stderr
    nowhere = admin(
        db_url,
        "add-extension",
        "--account",
        "404",
        "--number",
        "204",
        "--name",
        "D",
        "--email",
        "d@acme.example",
        env=password,
    )
    assert nowhere.returncode == 1 and "accountId" in nowhere.stderr
