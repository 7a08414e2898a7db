"""A disabled extension can do nothing: its tokens and portal sessions end, no grant works."""

from __future__ import annotations

import re
import sqlite3
import subprocess
from collections.abc import Iterator

import httpx
import pytest

from tests.support.cli import run_cli
from tests.support.rest import USER, USER_EXT, csrf_of
from tests.support.servers import CLIENT_ID, CLIENT_SECRET, PASSWORD, TLS, LiveServer
from tests.support.spec import assert_ringcentral_error

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
DISABLED = "OAU-149"


def cli(server: LiveServer, *arguments: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*arguments, "--db", server.db_url)


def grant(server: LiveServer, **form: str) -> httpx.Response:
    return httpx.post(
        f"{server.base_url}/restapi/oauth/token",
        auth=(CLIENT_ID, CLIENT_SECRET),
        data=form,
        verify=TLS,
    )


def password_grant(server: LiveServer) -> httpx.Response:
    return grant(server, grant_type="password", username=USER, password=PASSWORD)


def portal_sign_in(client: httpx.Client) -> httpx.Response:
    token = csrf_of(client.get("/portal/").text)
    return client.post(
        "/portal/sign-in", data={"csrf_token": token, "email": USER, "password": PASSWORD}
    )


def me(server: LiveServer, access_token: str) -> httpx.Response:
    return httpx.get(
        f"{server.base_url}/restapi/v1.0/account/~/extension/~",
        headers={"Authorization": f"Bearer {access_token}"},
        verify=TLS,
    )


@pytest.fixture
def server(shared_server: LiveServer) -> Iterator[LiveServer]:
    yield shared_server
    assert cli(shared_server, "admin", "enable-extension", USER_EXT).returncode == 0


def test_disabling_ends_tokens_and_portal_sessions_and_refuses_every_grant(
    server: LiveServer,
) -> None:
    tokens = password_grant(server).json()
    jwt = cli(server, "jwt", "--extension", USER_EXT).stdout.strip().splitlines()[-1]
    with httpx.Client(base_url=server.base_url, timeout=30) as browser:
        assert portal_sign_in(browser).status_code == 303
        assert browser.get("/portal/extensions").status_code == 200

        disabled = cli(server, "admin", "disable-extension", USER_EXT)
        assert disabled.returncode == 0, disabled.stderr

        assert_ringcentral_error(me(server, tokens["access_token"]), 401)
        assert browser.get("/portal/extensions").status_code == 303
        refused_portal = portal_sign_in(browser)
        assert refused_portal.status_code == 401
        assert "disabled" in refused_portal.text
        assert "rf_portal_session" not in refused_portal.headers.get("set-cookie", "")

    for response in (
        password_grant(server),
        grant(server, grant_type="refresh_token", refresh_token=tokens["refresh_token"]),
        grant(server, grant_type=JWT_GRANT, assertion=jwt),
    ):
        body = assert_ringcentral_error(response, 400)
        assert body["error"] == "invalid_grant"
    assert password_grant(server).json()["errorCode"] == DISABLED

    with server.client() as admin:
        assert admin.get(f"/account/~/extension/{USER_EXT}").json()["status"] == "Disabled"


def test_enabling_lets_the_extension_sign_in_again(server: LiveServer) -> None:
    assert cli(server, "admin", "disable-extension", USER_EXT).returncode == 0
    assert password_grant(server).status_code == 400
    assert cli(server, "admin", "enable-extension", USER_EXT).returncode == 0
    tokens = password_grant(server)
    assert tokens.status_code == 200, tokens.text
    assert me(server, tokens.json()["access_token"]).status_code == 200


def test_a_token_stops_answering_once_the_status_says_disabled(server: LiveServer) -> None:
    # Disabled by other means than the command (no session ended): the status alone counts.
    access_token = password_grant(server).json()["access_token"]
    database = re.sub(r"^sqlite:///", "", server.db_url)
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE extensions SET status = 'Disabled' WHERE id = ?", (USER_EXT,))
    refused = assert_ringcentral_error(me(server, access_token), 401)
    assert refused["errorCode"] == DISABLED


def test_disabling_an_unknown_extension_fails(server: LiveServer) -> None:
    result = cli(server, "admin", "disable-extension", "12345")
    assert result.returncode == 1
    assert "extensionId" in result.stderr
