"""The portal's history page in Chromium: who changed what and when, and revert."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.portal.conftest import sign_in
from tests.support import rest as api
from tests.support.rest import ADMIN, ADMIN_EXT, USER, USER_EXT
from tests.support.servers import LiveServer

pytestmark = pytest.mark.browser

PHONE = "+12125550166"
TAKEN = "+12125550167"


def open_history(page: Page, server: LiveServer, extension_id: str = ADMIN_EXT) -> None:
    page.goto(f"{server.base_url}/portal/extensions/{extension_id}/history")
    expect(page.get_by_role("heading", name="Changes, newest first")).to_be_visible()


def test_a_deleted_number_is_shown_with_its_diff_and_restored_by_revert(
    page: Page, server: LiveServer
) -> None:
    number_id = api.add_number(server, PHONE, "Desk")
    with server.client(ADMIN) as client:
        path = f"/account/~/extension/{ADMIN_EXT}/forwarding-number/{number_id}"
        assert client.put(path, json={"label": "Front desk"}).status_code == 200
        assert client.delete(path).status_code == 204

    sign_in(page, server)
    open_history(page, server)
    expect(page.get_by_role("link", name="History")).to_have_attribute("aria-current", "page")
    deleted = page.locator("li.history-item").first
    expect(deleted.get_by_role("heading")).to_have_text(
        re.compile(rf"Forwarding number {re.escape(PHONE)} deleted \(change 3\)")
    )
    expect(deleted).to_contain_text("Demo Admin (Ext. 101)")
    expect(deleted.locator("time")).to_have_attribute("datetime", re.compile(r"Z$"))
    diff = deleted.get_by_role("table", name=re.compile("What change 3 of"))
    expect(diff.get_by_role("row", name=re.compile("Label"))).to_contain_text("Front desk")
    relabel = page.locator("li.history-item").nth(1)
    expect(relabel.get_by_role("row", name=re.compile("Label"))).to_contain_text(
        re.compile("Desk.*Front desk")
    )
    # Only the settings the change touched are listed.
    expect(relabel.get_by_role("row", name=re.compile("Phone number"))).to_have_count(0)
    created = page.locator("li.history-item").nth(2)
    expect(created.get_by_role("button")).to_have_count(0)  # undo a creation by deleting

    page.get_by_role("button", name=f"Revert change 3 of Forwarding number {PHONE}").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Reverted change 3 of Forwarding number {PHONE}"
    )
    assert api.numbers(server).get(PHONE) == number_id  # back under its own id
    restored = page.locator("li.history-item").first
    expect(restored.get_by_role("heading")).to_have_text(re.compile(r"created \(change 4\)"))
    expect(restored).to_contain_text("Front desk")


def test_business_hours_and_rule_changes_revert_from_the_page(
    page: Page, server: LiveServer
) -> None:
    before = api.business_hours(server)
    with server.client(ADMIN) as client:
        base = f"/account/~/extension/{ADMIN_EXT}"
        friday = {"friday": [{"from": "10:00", "to": "12:00"}]}
        assert (
            client.put(
                f"{base}/business-hours", json={"schedule": {"weeklyRanges": friday}}
            ).status_code
            == 200
        )
        assert (
            client.put(f"{base}/answering-rule/55555555", json={"name": "VIP line"}).status_code
            == 200
        )

    sign_in(page, server)
    open_history(page, server)
    rule_change = page.locator("li.history-item").first
    expect(rule_change.get_by_role("heading")).to_contain_text("Rule VIP line changed")
    expect(rule_change.get_by_role("row", name=re.compile("Name"))).to_contain_text(
        re.compile("VIP caller.*VIP line")
    )
    hours_change = page.locator("li.history-item").nth(1)
    expect(hours_change.get_by_role("heading")).to_contain_text("Business hours changed")
    expect(hours_change.get_by_role("row", name=re.compile("Friday"))).to_contain_text(
        re.compile("09:00 to 18:00.*10:00 to 12:00")
    )
    expect(hours_change.get_by_role("row", name=re.compile("Monday"))).to_contain_text("closed")

    hours_change.get_by_role("button", name=re.compile("^Revert change")).click()
    expect(page.get_by_role("status")).to_contain_text("Reverted change")
    assert api.business_hours(server) == before

    page.locator("li.history-item").nth(1).get_by_role(
        "button", name=re.compile("of Rule VIP line$")
    ).click()
    expect(page.get_by_role("status")).to_contain_text("of Rule VIP line")
    assert api.rule(server, "55555555")["name"] == "VIP caller"


def test_a_refused_revert_is_shown_beside_its_button(page: Page, server: LiveServer) -> None:
    number_id = api.add_number(server, TAKEN, "Gone")
    with server.client(ADMIN) as client:
        base = f"/account/~/extension/{ADMIN_EXT}/forwarding-number"
        assert client.delete(f"{base}/{number_id}").status_code == 204
    taker = api.add_number(server, TAKEN, "Taker")

    sign_in(page, server)
    open_history(page, server)
    page.get_by_role("button", name=f"Revert change 2 of Forwarding number {TAKEN}").click()
    expect(page.get_by_role("alert")).to_contain_text("already a forwarding number")
    button = page.get_by_role("button", name=f"Revert change 2 of Forwarding number {TAKEN}")
    expect(button).to_have_attribute("aria-invalid", "true")
    assert api.numbers(server)[TAKEN] == taker


def test_a_user_sees_only_their_own_history(page: Page, server: LiveServer) -> None:
    sign_in(page, server, USER)
    response = page.goto(f"{server.base_url}/portal/extensions/{ADMIN_EXT}/history")
    assert response is not None and response.status == 403
    expect(page.get_by_role("button", name=re.compile("^Revert"))).to_have_count(0)
    response = page.goto(f"{server.base_url}/portal/extensions/88888888/history")
    assert response is not None and response.status == 404
    open_history(page, server, USER_EXT)
