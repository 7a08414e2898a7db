"""The Auth budget cannot be dodged: form credentials and forged forwarded addresses count."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.servers import TLS, LiveServer

APP = "auth-bucket-client"


def limited(directory: Path, *args: str) -> LiveServer:
    return LiveServer(
        f"sqlite:///{directory / 'ringforward.db'}",
        extra_args=["--rate-limits", "default", *args],
        log_path=directory / "server.log",
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    running = limited(tmp_path_factory.mktemp("auth-bucket")).start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def behind_proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    running = limited(
        tmp_path_factory.mktemp("behind-proxy"), "--forwarded-allow-ips", "127.0.0.1"
    ).start()
    yield running
    running.stop()


def attempt(
    server: LiveServer, app: str, *, basic: bool, forwarded_for: str | None = None
) -> httpx.Response:
    form = {"grant_type": "password", "username": "nobody@example.com", "password": "guess"}
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    if basic:
        return httpx.post(
            f"{server.base_url}/restapi/oauth/token",
            auth=(app, "wrong"),
            data=form,
            headers=headers,
            verify=TLS,
        )
    form |= {"client_id": app, "client_secret": "wrong"}
    return httpx.post(
        f"{server.base_url}/restapi/oauth/token", data=form, headers=headers, verify=TLS
    )


def test_client_credentials_in_the_form_spend_the_same_budget_as_basic(
    server: LiveServer,
) -> None:
    statuses = [attempt(server, APP, basic=index % 2 == 0).status_code for index in range(6)]
    assert statuses == [401] * 5 + [429]
    assert attempt(server, APP, basic=False).headers["X-Rate-Limit-Remaining"] == "0"


def test_a_rotated_x_forwarded_for_is_ignored_by_default(server: LiveServer) -> None:
    statuses = [
        attempt(server, "rotating-app", basic=True, forwarded_for=f"203.0.113.{index}").status_code
        for index in range(6)
    ]
    assert statuses == [401] * 5 + [429]


def test_behind_a_configured_proxy_the_forwarded_address_is_the_client(
    behind_proxy: LiveServer,
) -> None:
    # Each forwarded address has a budget of its own, so six addresses pass...
    spread = [
        attempt(behind_proxy, APP, basic=True, forwarded_for=f"203.0.113.{index}").status_code
        for index in range(6)
    ]
    assert spread == [401] * 6
    # ...and one forwarded address is limited like any client.
    same = [
        attempt(behind_proxy, APP, basic=True, forwarded_for="198.51.100.7").status_code
        for _ in range(6)
    ]
    assert same == [401] * 5 + [429]
