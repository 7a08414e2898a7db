"""Every control has a name, the keyboard reaches the list, and phones need no side-scroll."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.portal.conftest import open_call_handling, sign_in
from tests.support import rest as api
from tests.support.rest import ADMIN_EXT
from tests.support.servers import LiveServer

pytestmark = pytest.mark.browser
ROLES = ("button", "checkbox", "switch", "combobox", "textbox", "radio", "link")
PAGES = (
    "call-handling?rule=business-hours-rule",
    "call-handling?rule=55555555",
    "business-hours",
    "custom-rules",
    "custom-rules/new",
)


def _arrange(server: LiveServer) -> None:
    first = api.add_number(server, "+12125550100", "Desk")
    api.add_number(server, "+14155550142", "Spare")
    api.set_groups(server, [["33333333", first]])


@pytest.mark.parametrize("path", PAGES)
def test_every_control_has_an_accessible_name(page: Page, server: LiveServer, path: str) -> None:
    _arrange(server)
    sign_in(page, server)
    page.goto(f"{server.base_url}/portal/extensions/{ADMIN_EXT}/{path}")
    for role in ROLES:
        for control in page.get_by_role(role).all():
            if control.is_visible():
                expect(control).to_have_accessible_name(re.compile(r"\S"))


def test_ring_group_controls_name_the_number_or_group_they_act_on(
    page: Page, server: LiveServer
) -> None:
    _arrange(server)
    sign_in(page, server)
    open_call_handling(page, server)
    for name in (
        "Select +16505550100",
        "Select +14155550142",
        "Active: +12125550100",
        "Ring count for group 1",
        "Ungroup group 1",
        "Delete forwarding number +12125550100",
        "Label for +14155550142",
    ):
        expect(page.get_by_label(name, exact=True)).to_have_count(1)


def test_keyboard_alone_creates_a_ring_group(page: Page, server: LiveServer) -> None:
    new_id = api.add_number(server, "+12125550100", "Desk")
    sign_in(page, server)
    open_call_handling(page, server)

    page.get_by_label("Select +16505550100").focus()
    page.keyboard.press("Space")
    # Tab from the first row to the next row's checkbox, as a keyboard user would.
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == f"select-{new_id}":
            break
    page.keyboard.press("Space")
    page.get_by_role("button", name="Create Ring Group").focus()
    page.keyboard.press("Enter")

    expect(page.locator("#notice")).to_contain_text("Ring group created")
    assert api.groups(server) == [["33333333", new_id]]


@pytest.mark.parametrize("width", [375, 1280])
def test_the_call_handling_page_fits_the_screen_width(
    browser: Browser, server: LiveServer, width: int
) -> None:
    _arrange(server)
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        sign_in(page, server)
        open_call_handling(page, server)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        for name in ("Create Ring Group", "Add forwarding number", "Ungroup group 1"):
            expect(page.get_by_role("button", name=name)).to_be_visible()
        box = page.get_by_role("button", name="Create Ring Group").bounding_box()
        assert box is not None and box["x"] + box["width"] <= width
    finally:
        context.close()
