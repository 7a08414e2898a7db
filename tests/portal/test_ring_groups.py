"""The forwarding list in Chromium: ring groups, order, ring counts and ringing mode."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.portal.conftest import open_call_handling, sign_in
from tests.support import rest as api
from tests.support.servers import LiveServer

pytestmark = pytest.mark.browser
PHONE = "+16505550100"
NEW_PHONE = "+12125550100"


def notice(page: Page) -> None:
    """Wait until the change has been answered (the page says what it did)."""
    expect(page.locator("#notice")).not_to_be_empty()


def test_create_ring_group_from_two_ticked_numbers_is_seen_through_the_api(
    page: Page, server: LiveServer
) -> None:
    new_id = api.add_number(server, NEW_PHONE, "Desk")
    sign_in(page, server)
    open_call_handling(page, server)

    page.get_by_label(f"Select {PHONE}").check()
    page.get_by_label(f"Select {NEW_PHONE}").check()
    page.get_by_role("button", name="Create Ring Group").click()

    expect(page.locator("#notice")).to_contain_text("Ring group created")
    group = page.locator(".group.ring-group")
    expect(group).to_have_count(1)
    expect(group.get_by_role("heading", name="Ring group 1")).to_be_visible()
    expect(group.locator(".row")).to_have_count(2)
    assert api.groups(server) == [["33333333", new_id]]
    # The group keeps the larger ring count of what was merged (the seed's 3 rings).
    assert api.ring_counts(server) == [3]


def test_ungroup_splits_a_ring_group_into_steps(page: Page, server: LiveServer) -> None:
    new_id = api.add_number(server, NEW_PHONE, "Desk")
    api.set_groups(server, [["33333333", new_id]])
    sign_in(page, server)
    open_call_handling(page, server)

    page.get_by_role("button", name="Ungroup group 1").click()

    notice(page)
    expect(page.locator(".group.ring-group")).to_have_count(0)
    expect(page.get_by_role("heading", name="Step 2")).to_be_visible()
    assert api.groups(server) == [["33333333"], [new_id]]


def test_dragging_a_step_above_another_reorders_the_list(page: Page, server: LiveServer) -> None:
    new_id = api.add_number(server, NEW_PHONE, "Desk")
    api.set_groups(server, [["33333333"], [new_id]])
    sign_in(page, server)
    open_call_handling(page, server)

    handle = page.locator(f"#group-{new_id} [data-drag-handle]")
    handle.drag_to(page.locator("#group-33333333 .group-head"))

    expect(page.locator("#notice")).to_contain_text("order saved")
    expect(page.locator(".group").first).to_have_id(f"group-{new_id}")
    assert api.groups(server) == [[new_id], ["33333333"]]


def test_move_buttons_reorder_from_the_keyboard(page: Page, server: LiveServer) -> None:
    new_id = api.add_number(server, NEW_PHONE, "Desk")
    api.set_groups(server, [["33333333"], [new_id]])
    sign_in(page, server)
    open_call_handling(page, server)

    page.get_by_role("button", name="Move group 1 down").focus()
    page.keyboard.press("Enter")

    expect(page.locator("#notice")).to_contain_text("order saved")
    assert api.groups(server) == [[new_id], ["33333333"]]
    # Focus follows the moved step, so pressing again keeps moving the same step.
    expect(page.locator("#move-up-33333333")).to_be_focused()


def test_ring_count_and_ringing_mode_are_saved(page: Page, server: LiveServer) -> None:
    sign_in(page, server)
    open_call_handling(page, server)
    expect(page.locator("#row-33333333")).to_contain_text("Ring for 3 rings (15 s)")

    page.get_by_label("Ring count for group 1").select_option("5")
    expect(page.locator("#notice")).to_contain_text("Ring count saved")
    expect(page.locator("#row-33333333")).to_contain_text("Ring for 5 rings (25 s)")
    assert api.ring_counts(server) == [5]

    page.locator("label[for=mode-simultaneously]").click()
    expect(page.locator("#notice")).to_contain_text("Ringing mode saved")
    expect(page.get_by_role("radio", name="Simultaneously")).to_be_checked()
    assert api.rule(server)["forwarding"]["ringingMode"] == "Simultaneously"


def test_active_toggle_switches_a_number_on_and_off(page: Page, server: LiveServer) -> None:
    new_id = api.add_number(server, NEW_PHONE, "Desk")
    sign_in(page, server)
    open_call_handling(page, server)
    switch = page.get_by_role("switch", name=f"Active: {NEW_PHONE}")
    expect(switch).not_to_be_checked()

    # The box is ticked in the browser at once; the change is saved when the server answers.
    with page.expect_response(lambda response: response.url.endswith("/active")):
        switch.check()
    expect(page.get_by_role("switch", name=f"Active: {NEW_PHONE}")).to_be_checked()
    assert api.groups(server) == [["33333333"], [new_id]]

    with page.expect_response(lambda response: response.url.endswith("/active")):
        page.get_by_role("switch", name=f"Active: {PHONE}").uncheck()
    expect(page.get_by_role("switch", name=f"Active: {PHONE}")).not_to_be_checked()
    assert api.groups(server) == [[new_id]]


def test_a_refused_change_shows_its_error_and_changes_nothing(
    page: Page, server: LiveServer
) -> None:
    api.add_number(server, NEW_PHONE, "Desk")
    before = api.rule(server)
    sign_in(page, server)
    open_call_handling(page, server)

    page.get_by_label(f"Select {PHONE}").check()
    page.get_by_role("button", name="Create Ring Group").click()

    error = page.locator("#error-create-group")
    expect(error).to_have_text("⚠ A ring group needs at least 2 different forwarding numbers.")
    expect(error).to_have_attribute("role", "alert")
    expect(page.get_by_role("button", name="Create Ring Group")).to_have_attribute(
        "aria-describedby", "error-create-group"
    )
    assert api.rule(server) == before
