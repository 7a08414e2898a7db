"""Guessing passwords through the portal is slowed: lock-out per account, Auth limits."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.rest import csrf_of
from tests.support.servers import CLIENT_ID, CLIENT_SECRET, PASSWORD, LiveServer

ADMIN = "admin@example.com"
USER = "user@example.com"
FREE_FAILURES = 5


def sign_in(
    server: LiveServer, email: str, password: str, forwarded_for: str | None = None
) -> httpx.Response:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    with httpx.Client(base_url=server.base_url, timeout=30, headers=headers) as browser:
        token = csrf_of(browser.get("/portal/").text)
        return browser.post(
            "/portal/sign-in", data={"csrf_token": token, "email": email, "password": password}
        )


def assert_told_to_wait(response: httpx.Response) -> int:
    assert response.status_code == 429, response.text
    seconds = int(response.headers["Retry-After"])
    assert seconds >= 1
    found = re.search(r"Try again in (\d+) seconds", response.text)
    assert found, response.text
    assert int(found.group(1)) == seconds
    assert "rf_portal_session" not in response.headers.get("set-cookie", "")
    return seconds


def test_an_account_is_locked_after_repeated_wrong_passwords_even_with_limits_off(
    shared_server: LiveServer,
) -> None:
    for _ in range(FREE_FAILURES):
        assert sign_in(shared_server, USER, "wrong-password").status_code == 401
    # Even the right password waits now: the guesser cannot tell it was right.
    assert_told_to_wait(sign_in(shared_server, USER, PASSWORD))
    # The lock is the account's, on every way in...
    api = httpx.post(
        f"{shared_server.base_url}/restapi/oauth/token",
        auth=(CLIENT_ID, CLIENT_SECRET),
        data={"grant_type": "password", "username": USER, "password": PASSWORD},
    )
    assert api.status_code == 429
    assert int(api.headers["Retry-After"]) >= 1
    # ...and only that account's.
    assert sign_in(shared_server, ADMIN, PASSWORD).status_code == 303


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    directory: Path = tmp_path_factory.mktemp("sign-in-limits")
    server = LiveServer(
        f"sqlite:///{directory / 'ringforward.db'}",
        extra_args=["--rate-limits", "default", "--forwarded-allow-ips", "127.0.0.1"],
        log_path=directory / "server.log",
    ).start()
    yield server
    server.stop()


def test_with_limits_on_one_address_gets_the_auth_budget_for_sign_ins(
    limited: LiveServer,
) -> None:
    address = "198.51.100.1"
    for index in range(5):
        response = sign_in(limited, f"nobody{index}@example.com", "guess", address)
        assert response.status_code == 401
    assert_told_to_wait(sign_in(limited, "nobody9@example.com", "guess", address))
    assert sign_in(limited, ADMIN, PASSWORD, "198.51.100.2").status_code == 303


def test_with_limits_on_one_account_gets_the_auth_budget_whatever_the_address(
    limited: LiveServer,
) -> None:
    # Right passwords (no lock-out) from five addresses spend the account's budget.
    for index in range(5):
        assert sign_in(limited, USER, PASSWORD, f"203.0.113.{index}").status_code == 303
    assert_told_to_wait(sign_in(limited, USER, PASSWORD, "203.0.113.99"))
