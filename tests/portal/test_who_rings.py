"""The "Who rings" panel: the call-flow timeline for a chosen time and caller."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.portal.conftest import open_call_handling, sign_in
from tests.support.rest import ADMIN_EXT
from tests.support.servers import LiveServer

pytestmark = pytest.mark.browser


def show(page: Page, at: str, caller: str = "") -> None:
    """Ask for a call and wait until the panel is replaced by the answer to it.

    The panel first shows the current time's answer, which may already be the one expected
    (at night, After Hours): without the wait, the next fill could land in the old panel
    just before the answer replaces it and be lost.
    """
    shown = page.locator("#who-rings-body").element_handle()
    page.get_by_label("Call time").fill(at)
    page.get_by_label("Caller's number").fill(caller)
    page.get_by_role("button", name="Show who rings for this call").click()
    shown.wait_for_element_state("hidden")


def test_weekday_morning_draws_apps_and_group_then_voicemail(
    page: Page, server: LiveServer
) -> None:
    sign_in(page, server)
    open_call_handling(page, server)
    show(page, "2026-11-30T10:00")
    panel = page.locator("#who-rings")
    expect(panel).to_contain_text("Answered by Work Hours")
    expect(panel.get_by_role("img", name="Apps rings from 0 s to 15 s")).to_be_visible()
    expect(
        panel.get_by_role("img", name="Group 1: +16505550100 rings from 0 s to 15 s")
    ).to_be_visible()
    expect(panel.get_by_role("img", name="At 15 s: Voicemail")).to_be_visible()


def test_evening_and_vip_caller(page: Page, server: LiveServer) -> None:
    sign_in(page, server)
    open_call_handling(page, server)
    show(page, "2026-11-30T20:00")
    panel = page.locator("#who-rings")
    expect(panel).to_contain_text("Answered by After Hours")
    expect(panel.get_by_role("img", name="At 0 s: Voicemail")).to_be_visible()
    show(page, "2026-11-30T10:00", "(415) 555-0199")
    expect(panel).to_contain_text("Answered by VIP caller")
    expect(panel.get_by_role("img", name="At 0 s: Forwarded to +16505550100")).to_be_visible()


def test_an_impossible_caller_number_is_shown_beside_the_picker(
    page: Page, server: LiveServer
) -> None:
    sign_in(page, server)
    open_call_handling(page, server)
    show(page, "2026-11-30T10:00", "12")
    expect(page.locator("#who-problem")).to_contain_text("from")
    expect(page.locator("#who-rings .timeline")).to_have_count(0)


def test_panel_follows_a_changed_ring_count(page: Page, server: LiveServer) -> None:
    sign_in(page, server)
    with server.client() as client:
        rule = "/account/~/extension/~/answering-rule/business-hours-rule"
        body = {
            "forwarding": {"rules": [{"ringCount": 5, "forwardingNumbers": [{"id": "33333333"}]}]}
        }
        assert client.put(rule, json=body).status_code == 200
    page.goto(
        f"{server.base_url}/portal/extensions/{ADMIN_EXT}/call-handling"
        "?rule=business-hours-rule&at=2026-11-30T10:00"
    )
    panel = page.locator("#who-rings")
    expect(panel.get_by_role("img", name="At 25 s: Voicemail")).to_be_visible()
