"""The portal's sessions and CSRF protection over plain HTTP (no browser needed)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from tests.support import rest as api
from tests.support.rest import ADMIN, ADMIN_EXT
from tests.support.servers import PASSWORD, LiveServer

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
RULE_URL = f"/portal/extensions/{ADMIN_EXT}/rules/business-hours-rule"


@pytest.fixture
def server(shared_server: LiveServer) -> LiveServer:
    api.reset(shared_server)
    return shared_server


@pytest.fixture
def visitor(server: LiveServer) -> Iterator[httpx.Client]:
    """A cookie-keeping HTTP client standing in for a browser."""
    with httpx.Client(base_url=server.base_url, timeout=30) as client:
        yield client


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def sign_in(visitor: httpx.Client, email: str = ADMIN, next_url: str = "") -> httpx.Response:
    token = csrf_of(visitor.get("/portal/").text)
    return visitor.post(
        "/portal/sign-in",
        data={"csrf_token": token, "email": email, "password": PASSWORD, "next": next_url},
    )


def page_token(visitor: httpx.Client) -> str:
    return csrf_of(visitor.get(f"/portal/extensions/{ADMIN_EXT}/call-handling").text)


def test_session_cookie_is_http_only_same_site_and_scoped_to_the_portal(
    visitor: httpx.Client,
) -> None:
    response = sign_in(visitor)
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Path=/portal" in cookie


def test_wrong_password_is_401_and_starts_no_session(visitor: httpx.Client) -> None:
    token = csrf_of(visitor.get("/portal/").text)
    response = visitor.post(
        "/portal/sign-in", data={"csrf_token": token, "email": ADMIN, "password": "nope"}
    )
    assert response.status_code == 401
    assert "Wrong email or password" in response.text
    assert visitor.get("/portal/extensions").status_code == 303


def test_sign_in_form_without_its_csrf_cookie_is_refused(server: LiveServer) -> None:
    with httpx.Client(base_url=server.base_url) as stranger:
        response = stranger.post(
            "/portal/sign-in", data={"csrf_token": "forged", "email": ADMIN, "password": PASSWORD}
        )
    assert response.status_code == 403
    assert "rf_portal_session" not in response.headers.get("set-cookie", "")


def test_a_change_without_the_csrf_token_is_refused_and_changes_nothing(
    visitor: httpx.Client, server: LiveServer
) -> None:
    sign_in(visitor)
    before = api.rule(server)
    for token in (None, "0" * 64):
        data = {"group": "1", "ringCount": "7"}
        if token:
            data["csrf_token"] = token
        response = visitor.post(f"{RULE_URL}/groups/ring-count", data=data)
        assert response.status_code == 403
    assert api.rule(server) == before


def test_the_csrf_header_is_accepted_for_htmx_requests(
    visitor: httpx.Client, server: LiveServer
) -> None:
    sign_in(visitor)
    token = page_token(visitor)
    response = visitor.post(
        f"{RULE_URL}/groups/ring-count",
        data={"group": "1", "ringCount": "7"},
        headers={"X-CSRF-Token": token, "HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Ring count saved." in response.text
    assert api.ring_counts(server) == [7]


def test_portal_changes_go_into_the_audit_trail_as_the_signed_in_extension(
    visitor: httpx.Client, server: LiveServer
) -> None:
    sign_in(visitor)
    response = visitor.post(
        f"{RULE_URL}/groups/ring-count",
        data={"csrf_token": page_token(visitor), "group": "1", "ringCount": "9"},
    )
    assert response.status_code == 303
    with server.client() as client:
        trail = client.get(
            f"/account/~/extension/{ADMIN_EXT}/answering-rule/business-hours-rule/history"
        ).json()["records"]
    latest = max(trail, key=lambda change: change["version"])
    assert latest["actor"]["id"] == ADMIN_EXT
    assert latest["after"]["forwarding"]["rules"][0]["ringCount"] == 9


def test_a_stale_page_cannot_overwrite_a_newer_rule(
    visitor: httpx.Client, server: LiveServer
) -> None:
    sign_in(visitor)
    token = page_token(visitor)
    version = re.search(
        r'name="version" value="(\d+)"',
        visitor.get(f"/portal/extensions/{ADMIN_EXT}/call-handling").text,
    )
    assert version
    api.set_groups(server, [["33333333"]], ring_count=2)
    response = visitor.post(
        f"{RULE_URL}/groups/ring-count",
        data={"csrf_token": token, "version": version.group(1), "group": "1", "ringCount": "9"},
    )
    assert response.status_code == 409
    assert "changed elsewhere" in response.text
    assert api.ring_counts(server) == [2]


def test_the_session_cookie_is_not_an_api_token(visitor: httpx.Client, server: LiveServer) -> None:
    sign_in(visitor)
    cookie = visitor.cookies["rf_portal_session"]
    response = httpx.get(
        f"{server.base_url}/restapi/v1.0/account/~", headers={"Authorization": f"Bearer {cookie}"}
    )
    assert response.status_code == 401


def test_sign_out_ends_the_session_on_the_server(visitor: httpx.Client, server: LiveServer) -> None:
    sign_in(visitor)
    cookie = visitor.cookies["rf_portal_session"]
    token = page_token(visitor)
    assert visitor.post("/portal/sign-out", data={"csrf_token": token}).status_code == 303
    with httpx.Client(base_url=server.base_url, cookies={"rf_portal_session": cookie}) as copy:
        assert copy.get("/portal/extensions").headers["location"].startswith("/portal/?next=")


def test_sign_in_goes_on_only_to_portal_pages(visitor: httpx.Client) -> None:
    response = sign_in(visitor, next_url="https://example.org/phish")
    assert response.headers["location"] == "/portal/extensions"
    visitor.post("/portal/sign-out", data={"csrf_token": page_token(visitor)})
    response = sign_in(visitor, next_url="//example.org/phish")
    assert response.headers["location"] == "/portal/extensions"
