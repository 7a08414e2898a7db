"""In Chromium, under the portal's Content-Security-Policy, nothing is blocked and htmx works."""

from __future__ import annotations

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.portal.conftest import sign_in
from tests.support.rest import ADMIN_EXT
from tests.support.servers import LiveServer

pytestmark = pytest.mark.browser


def test_the_call_handling_page_and_its_timeline_run_without_a_csp_violation(
    page: Page, server: LiveServer
) -> None:
    complaints: list[str] = []

    def listen(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            complaints.append(message.text)

    page.on("console", listen)
    sign_in(page, server)
    page.goto(
        f"{server.base_url}/portal/extensions/{ADMIN_EXT}/call-handling"
        "?rule=business-hours-rule&at=2026-11-30T10:00"
    )
    # An htmx request and swap: the panel is redrawn for another time.
    page.get_by_label("Call time").fill("2026-11-30T20:00")
    page.get_by_role("button", name="Show who rings for this call").click()
    panel = page.locator("#who-rings")
    expect(panel).to_contain_text("Answered by After Hours")
    page.get_by_label("Call time").fill("2026-11-30T10:00")
    page.get_by_role("button", name="Show who rings for this call").click()
    expect(panel).to_contain_text("Answered by Work Hours")
    # Positions set by the page's own script: the final marker sits at 15 s of the axis.
    marker = panel.get_by_role("img", name="At 15 s: Voicemail")
    expect(marker).to_be_visible()
    left = marker.evaluate("element => element.style.left")
    assert left.endswith("%") and float(left[:-1]) > 0
    assert complaints == []
