"""A JWT credential is issued for one app (its ``iss``); only that app can exchange it."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator

import httpx
import jwt
import pytest

from tests.support.cli import run_cli
from tests.support.rest import ADMIN_EXT
from tests.support.servers import CLIENT_ID, CLIENT_SECRET, LiveServer

SECOND_APP = "second-app"
SECOND_SECRET = "second-app-secret"
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


def cli(server: LiveServer, *arguments: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "RINGFORWARD_NEW_CLIENT_SECRET": SECOND_SECRET}
    return run_cli(*arguments, "--db", server.db_url, env=environment)


def credential(server: LiveServer, *client: str) -> str:
    result = cli(server, "jwt", "--extension", ADMIN_EXT, *client)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def exchange(server: LiveServer, assertion: str, app: tuple[str, str]) -> httpx.Response:
    return httpx.post(
        f"{server.base_url}/restapi/oauth/token",
        auth=app,
        data={"grant_type": JWT_GRANT, "assertion": assertion},
    )


@pytest.fixture(scope="module")
def server(shared_server: LiveServer) -> Iterator[LiveServer]:
    added = cli(shared_server, "admin", "add-app", "--client-id", SECOND_APP)
    assert added.returncode == 0, added.stderr
    yield shared_server


def test_the_jwt_command_names_its_app_in_iss_and_that_app_can_use_it(
    server: LiveServer,
) -> None:
    assertion = credential(server, "--client-id", CLIENT_ID)
    assert jwt.decode(assertion, options={"verify_signature": False})["iss"] == CLIENT_ID
    response = exchange(server, assertion, (CLIENT_ID, CLIENT_SECRET))
    assert response.status_code == 200, response.text


def test_a_jwt_issued_for_one_app_is_refused_to_another(server: LiveServer) -> None:
    assertion = credential(server, "--client-id", CLIENT_ID)
    response = exchange(server, assertion, (SECOND_APP, SECOND_SECRET))
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid_grant"


def test_a_jwt_issued_for_the_second_app_works_only_there(server: LiveServer) -> None:
    assertion = credential(server, "--client-id", SECOND_APP)
    assert exchange(server, assertion, (SECOND_APP, SECOND_SECRET)).status_code == 200
    refused = exchange(server, assertion, (CLIENT_ID, CLIENT_SECRET))
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_grant"


def test_a_jwt_for_an_unknown_app_is_not_issued(server: LiveServer) -> None:
    result = cli(server, "jwt", "--extension", ADMIN_EXT, "--client-id", "no-such-app")
    assert result.returncode == 1
    assert "clientId" in result.stderr or "no-such-app" in result.stderr
