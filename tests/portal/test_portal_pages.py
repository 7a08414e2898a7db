"""The portal in Chromium: signing in and out, who sees what, numbers, hours and rules."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.portal.conftest import open_call_handling, sign_in
from tests.support import rest as api
from tests.support.rest import ADMIN_EXT, USER, USER_EXT
from tests.support.servers import LiveServer

pytestmark = pytest.mark.browser


def test_sign_in_lists_the_account_extensions_and_sign_out_ends_the_session(
    page: Page, server: LiveServer
) -> None:
    page.goto(f"{server.base_url}/portal/extensions/{ADMIN_EXT}/call-handling")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()

    page.get_by_label("Email").fill("admin@example.com")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Wrong email or password")

    page.get_by_label("Password").fill("Demo-Passw0rd")
    page.get_by_role("button", name="Sign in").click()
    # Back to the page asked for before signing in.
    expect(page.get_by_role("heading", name="Forwarding list")).to_be_visible()
    page.goto(f"{server.base_url}/portal/extensions")
    expect(page.get_by_role("link", name=re.compile("Demo Admin"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Demo User"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Other Admin"))).to_have_count(0)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.goto(f"{server.base_url}/portal/extensions")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_a_user_sees_only_their_own_extension_and_cannot_open_another(
    page: Page, server: LiveServer
) -> None:
    sign_in(page, server, USER)
    expect(page.get_by_role("link", name=re.compile("Demo User"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Demo Admin"))).to_have_count(0)

    response = page.goto(f"{server.base_url}/portal/extensions/{ADMIN_EXT}/call-handling")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("only your own extension")
    expect(page.get_by_text("+16505550100")).to_have_count(0)
    response = page.goto(f"{server.base_url}/portal/extensions/88888888/call-handling")
    assert response is not None and response.status == 404

    open_call_handling(page, server, USER_EXT)
    expect(page.get_by_role("heading", name="Forwarding numbers")).to_be_visible()


def test_add_relabel_and_delete_a_forwarding_number(page: Page, server: LiveServer) -> None:
    sign_in(page, server)
    open_call_handling(page, server)

    page.get_by_label("Phone number").fill("(212) 555-0100")
    page.get_by_label("Label", exact=True).fill("Desk")
    page.get_by_role("button", name="Add forwarding number").click()
    expect(page.locator("#notice")).to_contain_text("Added +12125550100")
    new_id = api.numbers(server)["+12125550100"]
    assert set(api.numbers(server)) == {"+16505550100", "+12125550100"}
    # A new number does not ring until it is switched on in a rule.
    expect(page.get_by_role("switch", name="Active: +12125550100")).not_to_be_checked()

    page.get_by_role("textbox", name="Label for +12125550100").fill("Front desk")
    page.get_by_role("button", name="Save label for +12125550100").click()
    expect(page.locator("#notice")).to_contain_text("Label of +12125550100 saved")
    expect(page.locator(f"#row-{new_id}")).to_contain_text("Front desk")

    dialogs: list[str] = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Delete forwarding number +12125550100").click()
    expect(page.locator("#notice")).to_contain_text("deleted")
    assert dialogs == ["Delete forwarding number +12125550100? It stops ringing in every rule."]
    expect(page.get_by_label("Select +12125550100")).to_have_count(0)
    assert api.numbers(server) == {"+16505550100": "33333333"}


def test_declining_the_delete_confirmation_keeps_the_number(page: Page, server: LiveServer) -> None:
    sign_in(page, server)
    open_call_handling(page, server)
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Delete forwarding number +16505550100").click()
    page.wait_for_timeout(300)
    assert api.numbers(server) == {"+16505550100": "33333333"}


def test_a_refused_number_shows_the_error_beside_the_form_and_adds_nothing(
    page: Page, server: LiveServer
) -> None:
    sign_in(page, server)
    open_call_handling(page, server)

    page.get_by_label("Phone number").fill("+16505550100")
    page.get_by_role("button", name="Add forwarding number").click()

    error = page.locator("#error-add-number")
    expect(error).to_contain_text("already a forwarding number of this extension")
    expect(page.get_by_label("Phone number")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Phone number")).to_have_value("+16505550100")
    assert api.numbers(server) == {"+16505550100": "33333333"}


def test_edit_business_hours_per_weekday_and_to_24_7(page: Page, server: LiveServer) -> None:
    sign_in(page, server)
    page.goto(f"{server.base_url}/portal/extensions/{ADMIN_EXT}/business-hours")
    expect(page.get_by_label("Monday range 1 from")).to_have_value("09:00")

    page.get_by_label("Monday range 1 from").fill("08:00")
    page.get_by_label("Monday range 1 to").fill("12:00")
    page.get_by_label("Monday range 2 from").fill("13:00")
    page.get_by_label("Monday range 2 to").fill("17:30")
    page.get_by_label("Friday range 1 from").fill("")
    page.get_by_label("Friday range 1 to").fill("")
    page.get_by_label("Saturday range 1 from").fill("10:00")
    page.get_by_label("Saturday range 1 to").fill("14:00")
    page.get_by_role("button", name="Save business hours").click()

    expect(page.locator("#notice")).to_contain_text("Business hours saved")
    hours = api.business_hours(server)
    assert hours["monday"] == [{"from": "08:00", "to": "12:00"}, {"from": "13:00", "to": "17:30"}]
    assert "friday" not in hours
    assert hours["saturday"] == [{"from": "10:00", "to": "14:00"}]

    page.get_by_label("Saturday range 1 to").fill("10:00")
    page.get_by_role("button", name="Save business hours").click()
    expect(page.locator("#error-saturday")).to_contain_text("must not be empty")
    assert api.business_hours(server) == hours

    page.locator("label[for=mode-always]").click()
    page.get_by_role("button", name="Save business hours").click()
    expect(page.locator("#notice")).to_contain_text("Business hours saved")
    assert api.business_hours(server) == {}


def test_custom_rule_create_edit_switch_off_and_delete(page: Page, server: LiveServer) -> None:
    sign_in(page, server)
    page.goto(f"{server.base_url}/portal/extensions/{ADMIN_EXT}/custom-rules")
    page.get_by_role("link", name="New custom rule").click()

    page.get_by_label("Name").fill("Night line")
    page.get_by_role("button", name="Create rule").click()
    expect(page.locator("#error-callers")).to_contain_text("at least one condition")

    page.get_by_label("Called numbers").fill("+16505550101")
    page.get_by_label("On these weekly hours").check()
    page.get_by_label("Tuesday range 1 from").fill("20:00")
    page.get_by_label("Tuesday range 1 to").fill("23:00")
    page.get_by_label("Action").select_option("UnconditionalForwarding")
    page.get_by_label("Forward all calls to").fill("+14155550123")
    page.get_by_role("button", name="Create rule").click()

    expect(page.get_by_role("link", name="Night line", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    rule_id = page.url.rsplit("rule=", 1)[1]
    created = api.rule(server, rule_id)
    assert created["calledNumbers"] == [{"phoneNumber": "+16505550101"}]
    assert created["schedule"] == {"weeklyRanges": {"tuesday": [{"from": "20:00", "to": "23:00"}]}}
    assert created["unconditionalForwarding"]["phoneNumber"] == "+14155550123"

    page.get_by_role("link", name="Edit rule Night line").click()
    page.get_by_label("Callers").fill("+14155550199")
    page.get_by_label("Any time").check()
    page.get_by_role("button", name="Save rule").click()
    # Saved: back on the rule's page (the form has no such link), which forwards every call.
    expect(page.get_by_role("link", name="Edit rule Night line")).to_be_visible()
    expect(page.get_by_role("heading", name="Forwarding list")).to_have_count(0)
    edited = api.rule(server, rule_id)
    assert edited["callers"] == [{"callerId": "+14155550199"}]
    assert "weeklyRanges" not in edited.get("schedule", {})

    page.goto(f"{server.base_url}/portal/extensions/{ADMIN_EXT}/custom-rules")
    page.get_by_role("switch", name="Rule on: Night line").uncheck()
    expect(page.locator("#notice")).to_contain_text("Night line is off")
    assert api.rule(server, rule_id)["enabled"] is False

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete rule Night line").click()
    expect(page.locator("#notice")).to_contain_text("Night line deleted")
    with server.client() as client:
        path = f"/account/~/extension/{ADMIN_EXT}/answering-rule/{rule_id}"
        assert client.get(path).status_code == 404


def test_a_rules_action_is_changed_and_a_missing_target_is_refused(
    page: Page, server: LiveServer
) -> None:
    sign_in(page, server)
    open_call_handling(page, server)

    page.get_by_label("Then").select_option("UnconditionalForwarding")
    page.get_by_role("button", name="Save action").click()
    expect(page.locator("#error-action")).to_contain_text("needs a phone number")
    assert api.rule(server)["callHandlingAction"] == "ForwardCalls"

    page.get_by_label("Then").select_option("TakeMessagesOnly")
    page.get_by_role("button", name="Save action").click()
    expect(page.locator("#notice")).to_contain_text("action saved")
    expect(page.get_by_role("heading", name="Forwarding list")).to_have_count(0)
    assert api.rule(server)["callHandlingAction"] == "TakeMessagesOnly"
