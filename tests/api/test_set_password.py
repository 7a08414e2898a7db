"""``ringforward admin set-password``: the new password works, the old one and every session
signed in with it (API tokens, portal sessions) stop working; bad input changes nothing."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import httpx
import pytest

from tests.support.cli import run_cli
from tests.support.rest import ADMIN, USER, USER_EXT, csrf_of
from tests.support.servers import CLIENT_ID, CLIENT_SECRET, PASSWORD, LiveServer

NEW_PASSWORD = "N3w-Passw0rd-for-user"


def set_password(
    server: LiveServer, extension: str, password: str
) -> subprocess.CompletedProcess[str]:
    return run_cli(
        "admin", "set-password", extension, "--db", server.db_url,
        env={"RINGFORWARD_NEW_PASSWORD": password},
    )  # fmt: skip


def password_grant(server: LiveServer, email: str, password: str) -> httpx.Response:
    return httpx.post(
        f"{server.base_url}/restapi/oauth/token",
        auth=(CLIENT_ID, CLIENT_SECRET),
        data={"grant_type": "password", "username": email, "password": password},
    )


def me(server: LiveServer, access_token: str) -> int:
    return httpx.get(
        f"{server.base_url}/restapi/v1.0/account/~/extension/~",
        headers={"Authorization": f"Bearer {access_token}"},
    ).status_code


@pytest.fixture
def server(shared_server: LiveServer) -> Iterator[LiveServer]:
    yield shared_server
    assert set_password(shared_server, USER_EXT, PASSWORD).returncode == 0


def test_a_new_password_ends_every_session_of_the_extension(server: LiveServer) -> None:
    tokens = password_grant(server, USER, PASSWORD).json()
    admin_token = password_grant(server, ADMIN, PASSWORD).json()["access_token"]
    with httpx.Client(base_url=server.base_url, timeout=30) as browser:
        csrf = csrf_of(browser.get("/portal/").text)
        signed_in = browser.post(
            "/portal/sign-in", data={"csrf_token": csrf, "email": USER, "password": PASSWORD}
        )
        assert signed_in.status_code == 303
        assert me(server, tokens["access_token"]) == 200

        changed = set_password(server, USER_EXT, NEW_PASSWORD)
        assert changed.returncode == 0, changed.stderr

        assert me(server, tokens["access_token"]) == 401
        assert browser.get("/portal/extensions").status_code == 303  # back to sign-in
    refreshed = httpx.post(
        f"{server.base_url}/restapi/oauth/token",
        auth=(CLIENT_ID, CLIENT_SECRET),
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
    )
    assert refreshed.status_code == 400
    assert password_grant(server, USER, PASSWORD).status_code == 400
    fresh = password_grant(server, USER, NEW_PASSWORD)
    assert fresh.status_code == 200, fresh.text
    assert me(server, fresh.json()["access_token"]) == 200
    assert me(server, admin_token) == 200  # another extension's session is untouched


@pytest.mark.parametrize(
    ("extension", "password", "named"),
    [(USER_EXT, "short", "password"), ("12345", NEW_PASSWORD, "extensionId")],
)
def test_a_refused_password_change_changes_nothing(
    server: LiveServer, extension: str, password: str, named: str
) -> None:
    token = password_grant(server, USER, PASSWORD).json()["access_token"]
    result = set_password(server, extension, password)
    assert result.returncode == 1
    assert named in result.stderr
    assert me(server, token) == 200
    assert password_grant(server, USER, PASSWORD).status_code == 200
