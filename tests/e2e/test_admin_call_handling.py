"""``ringforward admin add-account --call-handling``: legacy by default, enhanced on request."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.e2e.test_admin_provisioning import admin
from tests.support.servers import LiveServer

FEATURES = "/restapi/v1.0/account/~/extension/~/features?featureId=NewCallHandlingAndForwarding"


def _account(db_url: str, *extra: str) -> str:
    result = admin(
        db_url,
        "add-account",
        "--name",
        "Acme",
        "--main-number",
        "(212) 555-0000",
        "--time-zone",
        "America/New_York",
        *extra,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def _user(db_url: str, account_id: str, email: str) -> None:
    result = admin(
        db_url,
        "add-extension",
        "--account",
        account_id,
        "--number",
        "201",
        "--name",
        "Ada",
        "--email",
        email,
        "--admin",
        env={"RINGFORWARD_NEW_PASSWORD": "Acme-Passw0rd"},
    )
    assert result.returncode == 0, result.stderr


def _token(server: LiveServer, email: str) -> dict[str, str]:
    token = server.token(email, "Acme-Passw0rd")
    return {"Authorization": f"Bearer {token}"}


def test_accounts_are_legacy_by_default_and_enhanced_on_request(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'self-hosted.db'}"
    _user(db_url, _account(db_url), "legacy@acme.example")
    _user(db_url, _account(db_url, "--call-handling", "enhanced"), "enhanced@acme.example")
    server = LiveServer(db_url, log_path=tmp_path / "server.log").start()
    try:
        flags = {}
        for email in ("legacy@acme.example", "enhanced@acme.example"):
            body = httpx.get(f"{server.base_url}{FEATURES}", headers=_token(server, email)).json()
            flags[email] = body["records"][0]["params"][0]["value"]
        assert flags == {"legacy@acme.example": "false", "enhanced@acme.example": "true"}
        headers = _token(server, "enhanced@acme.example")
        states = httpx.get(
            f"{server.base_url}/restapi/v2/accounts/~/extensions/~/comm-handling/states",
            headers=headers,
        ).json()
        # A new user's work-hours are 24/7, so there is no after-hours state.
        assert [s["id"] for s in states["records"]] == ["work-hours", "dnd", "forward-all-calls"]
        refused = httpx.get(
            f"{server.base_url}/restapi/v1.0/account/~/extension/~/answering-rule",
            headers=headers,
        )
        assert refused.status_code == 403
    finally:
        server.stop()


def test_an_unknown_generation_is_refused(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'self-hosted.db'}"
    result = admin(
        db_url,
        "add-account",
        "--name",
        "Acme",
        "--main-number",
        "(212) 555-0000",
        "--time-zone",
        "America/New_York",
        "--call-handling",
        "modern",
    )
    assert result.returncode == 1
    assert "callHandling" in result.stderr
