"""The portal's pages and files carry a strict Content-Security-Policy and frame protection."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.support.servers import LiveServer

CALL_HANDLING = "/portal/extensions/22222222/call-handling"


@pytest.fixture(scope="module")
def visitor(portal_visitor: httpx.Client) -> httpx.Client:
    return portal_visitor


def directives(response: httpx.Response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    parts = (part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


@pytest.mark.parametrize(
    "path",
    [
        "/portal/",
        CALL_HANDLING,
        "/portal/extensions/nope/call-handling",
        "/portal/static/portal.css",
    ],
)
def test_every_portal_response_has_csp_frame_ancestors_none_and_a_referrer_policy(
    visitor: httpx.Client, path: str
) -> None:
    response = visitor.get(path)
    policy = directives(response)
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert "unsafe" not in response.headers["Content-Security-Policy"]
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_hold_no_inline_script_or_style_the_policy_would_block(
    visitor: httpx.Client,
) -> None:
    html = visitor.get(CALL_HANDLING, params={"at": "2026-11-30T10:00"}).text
    assert "timeline-bar" in html
    assert " style=" not in html
    assert "<style" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert re.search(r'"includeIndicatorStyles":\s*false', html)
    assert re.search(r'"allowEval":\s*false', html)


def test_the_api_is_left_as_ringcentral_answers_it(shared_server: LiveServer) -> None:
    response = httpx.get(f"{shared_server.base_url}/restapi")
    assert "Content-Security-Policy" not in response.headers
