"""The sign-in's ``next`` is checked and percent-encoded once, for Location and HX-Redirect."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.support.rest import csrf_of
from tests.support.servers import PASSWORD, LiveServer

ADMIN = "admin@example.com"


@pytest.fixture
def visitor(shared_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=shared_server.base_url, timeout=30) as client:
        yield client


def post_sign_in(visitor: httpx.Client, next_url: str, *, htmx: bool) -> httpx.Response:
    token = csrf_of(visitor.get("/portal/").text)
    return visitor.post(
        "/portal/sign-in",
        data={"csrf_token": token, "email": ADMIN, "password": PASSWORD, "next": next_url},
        headers={"HX-Request": "true"} if htmx else {},
    )


def test_a_non_latin1_next_is_percent_encoded_in_hx_redirect(visitor: httpx.Client) -> None:
    response = post_sign_in(visitor, "/portal/extensions/22222222/call-handling?rule=☎", htmx=True)
    assert response.status_code == 200, response.text
    assert response.headers["HX-Redirect"] == (
        "/portal/extensions/22222222/call-handling?rule=%E2%98%8E"
    )


def test_a_non_latin1_next_is_percent_encoded_in_location(visitor: httpx.Client) -> None:
    response = post_sign_in(visitor, "/portal/extensions/☎", htmx=False)
    assert response.status_code == 303
    assert response.headers["Location"] == "/portal/extensions/%E2%98%8E"


@pytest.mark.parametrize("htmx", [True, False])
def test_a_next_with_cr_lf_goes_to_the_picker_without_a_split_header(
    visitor: httpx.Client, htmx: bool
) -> None:
    response = post_sign_in(visitor, "/portal/extensions\r\nX-Injected: yes", htmx=htmx)
    assert response.status_code in (200, 303)
    assert "X-Injected" not in response.headers
    target = response.headers["HX-Redirect" if htmx else "Location"]
    assert target == "/portal/extensions"


@pytest.mark.parametrize("target", ["//example.com/portal/x", "https://example.com/portal/"])
def test_a_next_to_another_site_goes_to_the_picker(visitor: httpx.Client, target: str) -> None:
    response = post_sign_in(visitor, target, htmx=True)
    assert response.headers["HX-Redirect"] == "/portal/extensions"


def test_a_next_that_is_no_url_at_all_goes_to_the_picker(visitor: httpx.Client) -> None:
    response = post_sign_in(visitor, "http://[/portal/", htmx=True)
    assert response.headers["HX-Redirect"] == "/portal/extensions"
