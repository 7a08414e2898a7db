"""Browser fixtures: Debian's Chromium driven by Playwright, and a fresh demo server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.support import rest as api
from tests.support.rest import ADMIN, ADMIN_EXT
from tests.support.servers import PASSWORD, LiveServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
# CI sets this so that a missing browser fails the run instead of skipping tests.
REQUIRE_BROWSER = os.environ.get("RINGFORWARD_REQUIRE_BROWSER") == "1"

expect.set_options(timeout=10_000)


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """One Chromium while this package's tests follow one another in a process: started
    for the first test that needs it, closed before the first test from elsewhere (pytest
    ends a package's fixtures when the next test is outside it). Playwright's sync API runs
    an event loop in the test process while it lives, in which other tests' ``asyncio.run``
    would fail; none of this package's tests calls it. In a parallel run, tests/conftest.py
    hands out the browser modules in a few units of several modules each, so that a
    worker starts Playwright and Chromium (about 1.5 CPU-seconds) once per unit."""
    if not CHROMIUM.exists():
        if REQUIRE_BROWSER:
            pytest.fail(f"{CHROMIUM} is required (RINGFORWARD_REQUIRE_BROWSER=1) but missing")
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def module_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    directory = tmp_path_factory.mktemp("portal")
    live = LiveServer(f"sqlite:///{directory / 'portal.db'}", log_path=directory / "server.log")
    live.start()
    yield live
    live.stop()


@pytest.fixture
def server(module_server: LiveServer) -> LiveServer:
    """The module's demo server with the admin's call handling back to the demo data."""
    api.reset(module_server)
    return module_server


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    yield opened
    context.close()


def sign_in(page: Page, server: LiveServer, email: str = ADMIN) -> None:
    page.goto(f"{server.base_url}/portal/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Choose an extension")).to_be_visible()


def open_call_handling(
    page: Page, server: LiveServer, extension_id: str = ADMIN_EXT, rule: str = "business-hours-rule"
) -> None:
    page.goto(f"{server.base_url}/portal/extensions/{extension_id}/call-handling?rule={rule}")
    expect(page.get_by_role("heading", name="Forwarding list")).to_be_visible()
