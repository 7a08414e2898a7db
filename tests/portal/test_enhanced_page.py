"""The call-handling page of an enhanced extension, in Chromium: states, ring groups,
durations and Who rings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.portal.conftest import sign_in
from tests.support.comm_rest import transfer_to
from tests.support.servers import LiveServer

pytestmark = pytest.mark.browser

ENHANCED = "enhanced@example.com"
EXT = "22222232"
RULE = f"/restapi/v2/accounts/~/extensions/{EXT}/comm-handling/voice/state-rules/work-hours"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    live = LiveServer(f"sqlite:///{tmp_path / 'portal.db'}", log_path=tmp_path / "server.log")
    live.start()
    yield live
    live.stop()


def work_hours(server: LiveServer) -> dict[str, Any]:
    token = server.token(ENHANCED)
    response = httpx.get(f"{server.base_url}{RULE}", headers={"Authorization": f"Bearer {token}"})
    body: dict[str, Any] = response.json()
    return body


def durations(server: LiveServer) -> list[int]:
    actions = work_hours(server)["dispatching"]["actions"]
    return [a["duration"] for a in actions if a["type"] == "RingGroupAction"]


def open_page(page: Page, server: LiveServer) -> None:
    sign_in(page, server, ENHANCED)
    page.goto(f"{server.base_url}/portal/extensions/{EXT}/call-handling")


def test_states_and_their_ring_groups_are_shown(page: Page, server: LiveServer) -> None:
    open_page(page, server)
    states = page.get_by_role("navigation", name="States")
    for name in ("Work Hours", "After Hours", "Do not disturb", "Forward all calls"):
        expect(states.get_by_role("link", name=name)).to_be_visible()
    group = page.get_by_role("listitem", name="Ring group 1")
    expect(group).to_contain_text("+16505550100 (My Phone3)")
    expect(page.get_by_label("Duration of ring group 1 in seconds")).to_have_value("15")
    expect(page.get_by_text("then Voicemail")).to_be_visible()
    expect(page.get_by_text("VIP caller")).to_be_visible()
    states.get_by_role("link", name="After Hours").click()
    expect(page.get_by_role("heading", name="After Hours")).to_be_visible()
    expect(page.get_by_text("No ring group")).to_be_visible()


def test_changing_a_duration_saves_it_and_who_rings_follows(page: Page, server: LiveServer) -> None:
    open_page(page, server)
    page.get_by_label("Duration of ring group 1 in seconds").fill("20")
    page.get_by_role("button", name="Save duration of ring group 1").click()
    expect(page.get_by_label("Duration of ring group 1 in seconds")).to_have_value("20")
    assert durations(server) == [20]
    page.get_by_label("Call time").fill("2026-11-30T10:00")
    page.get_by_role("button", name="Show who rings for this call").click()
    panel = page.locator("#who-rings")
    expect(
        panel.get_by_role("img", name="Group 1: +16505550100 rings from 0 s to 20 s")
    ).to_be_visible()


def test_an_out_of_range_duration_is_refused_and_changes_nothing(
    page: Page, server: LiveServer
) -> None:
    open_page(page, server)
    field = page.get_by_label("Duration of ring group 1 in seconds")
    # The browser's own min/max check is bypassed, as a hand-made post would.
    field.evaluate("element => { element.removeAttribute('max'); }")
    field.fill("1000")
    page.get_by_role("button", name="Save duration of ring group 1").click()
    expect(page.get_by_text("from 5 to 300")).to_be_visible()
    assert durations(server) == [15]


def add_groups(server: LiveServer, *phones: str) -> None:
    token = server.token(ENHANCED)
    headers = {"Authorization": f"Bearer {token}"}
    rule = httpx.get(f"{server.base_url}{RULE}", headers=headers).json()
    actions = rule["dispatching"]["actions"]
    for phone in phones:
        actions.insert(
            -1,
            {
                "type": "RingGroupAction",
                "enabled": True,
                "duration": 10,
                "targets": [
                    {"type": "PhoneNumberRingTarget", "destination": {"phoneNumber": phone}}
                ],
            },
        )
    body = {"dispatching": {"type": "RingInOrder", "actions": actions}}
    assert httpx.patch(f"{server.base_url}{RULE}", json=body, headers=headers).status_code == 200


def phones(server: LiveServer) -> list[list[str]]:
    actions = work_hours(server)["dispatching"]["actions"]
    return [
        [t["destination"]["phoneNumber"] for t in a["targets"]]
        for a in actions
        if a["type"] == "RingGroupAction"
    ]


def test_create_ring_group_and_move_a_group(page: Page, server: LiveServer) -> None:
    add_groups(server, "+12125550171", "+12125550172")
    open_page(page, server)
    page.get_by_label("Select ring group 1").check()
    page.get_by_label("Select ring group 3").check()
    page.get_by_role("button", name="Create Ring Group").click()
    expect(page.get_by_role("listitem", name="Ring group 1")).to_contain_text("+12125550172")
    assert phones(server) == [["+16505550100", "+12125550172"], ["+12125550171"]]
    page.get_by_role("button", name="Move ring group 2 up").click()
    expect(page.get_by_role("listitem", name="Ring group 1")).to_contain_text("+12125550171")
    assert phones(server) == [["+12125550171"], ["+16505550100", "+12125550172"]]


def test_create_ring_group_needs_two_groups(page: Page, server: LiveServer) -> None:
    add_groups(server, "+12125550173")
    open_page(page, server)
    page.get_by_label("Select ring group 1").check()
    page.get_by_role("button", name="Create Ring Group").click()
    expect(page.get_by_text("at least two ring groups")).to_be_visible()
    assert phones(server) == [["+16505550100"], ["+12125550173"]]


def test_add_a_number_to_a_group_and_remove_one(page: Page, server: LiveServer) -> None:
    open_page(page, server)
    page.get_by_label("Phone number to add to ring group 1").fill("(212) 555-0181")
    page.get_by_role("button", name="Add the number to ring group 1").click()
    group = page.get_by_role("listitem", name="Ring group 1")
    expect(group).to_contain_text("+12125550181")
    assert phones(server) == [["+16505550100", "+12125550181"]]
    # Who rings shows the new number ringing with the group.
    page.get_by_label("Call time").fill("2026-11-30T10:00")
    page.get_by_role("button", name="Show who rings for this call").click()
    expect(page.locator("#who-rings")).to_contain_text("+12125550181")
    page.get_by_role("button", name="Remove +16505550100 (My Phone3) from ring group 1").click()
    expect(page.get_by_role("listitem", name="Ring group 1")).not_to_contain_text("+16505550100")
    assert phones(server) == [["+12125550181"]]


def test_removing_a_groups_last_target_removes_the_group(page: Page, server: LiveServer) -> None:
    add_groups(server, "+12125550182")
    open_page(page, server)
    page.get_by_role("button", name="Remove +12125550182 from ring group 2").click()
    expect(page.get_by_role("listitem", name="Ring group 2")).to_have_count(0)
    assert phones(server) == [["+16505550100"]]


@pytest.mark.parametrize(
    ("typed", "shown"),
    [("not a number", "phone"), ("+16505550100", "twice")],
)
def test_a_bad_or_repeated_number_is_refused_and_changes_nothing(
    page: Page, server: LiveServer, typed: str, shown: str
) -> None:
    open_page(page, server)
    page.get_by_label("Phone number to add to ring group 1").fill(typed)
    page.get_by_role("button", name="Add the number to ring group 1").click()
    expect(page.locator(".error, [role=alert]").first).to_contain_text(shown)
    assert phones(server) == [["+16505550100"]]


def test_who_rings_follows_a_hand_over_to_a_colleague(page: Page, server: LiveServer) -> None:
    token = server.token(ENHANCED)
    to_colleague = {"type": "Terminate", "actions": [transfer_to("22222233")]}
    response = httpx.patch(
        f"{server.base_url}{RULE}",
        json={"dispatching": to_colleague},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    open_page(page, server)
    page.get_by_label("Call time").fill("2026-11-30T10:00")
    page.get_by_role("button", name="Show who rings for this call").click()
    panel = page.locator("#who-rings")
    expect(panel).to_contain_text(
        "Transferred at once to extension 22222233, answered there by Work Hours"
    )
    # The colleague's own work hours: its apps, then its voicemail.
    expect(panel.get_by_role("img", name="At 20 s: Voicemail")).to_be_visible()
