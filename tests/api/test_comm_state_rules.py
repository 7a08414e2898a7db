"""v2 states and state rules: read, PATCH replaces what is sent, schedules, bad input."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support.comm_rest import (
    DEMO_PHONE,
    ENHANCED,
    ENHANCED_ACCOUNT_ID,
    ENHANCED_ADMIN_EXT,
    ENHANCED_USER,
    ENHANCED_USER_EXT,
    STATE_RULE_SPEC,
    STATE_RULES_SPEC,
    STATE_SPEC,
    STATES_SPEC,
    group_numbers,
    ring_group,
    root_client,
    v2,
    voicemail,
)
from tests.support.rest import ADMIN_EXT, OTHER
from tests.support.servers import LiveServer
from tests.support.spec import assert_matches_spec, assert_ringcentral_error


@pytest.fixture(scope="module")
def admin(shared_server: LiveServer) -> Iterator[httpx.Client]:
    with root_client(shared_server, ENHANCED) as client:
        yield client


@pytest.fixture(scope="module")
def user(shared_server: LiveServer) -> Iterator[httpx.Client]:
    with root_client(shared_server, ENHANCED_USER) as client:
        yield client


def _rule(client: httpx.Client, state: str = "work-hours", ext: str = "~") -> dict[str, Any]:
    response = client.get(f"{v2(ext)}/voice/state-rules/{state}")
    body: dict[str, Any] = assert_matches_spec(response, STATE_RULE_SPEC)
    return body


def _patch(client: httpx.Client, dispatching: dict[str, Any], ext: str = "~") -> httpx.Response:
    return client.patch(
        f"{v2(ext)}/voice/state-rules/work-hours", json={"dispatching": dispatching}
    )


def test_the_demo_work_hours_rule_rings_the_demo_phone_for_three_rings(
    admin: httpx.Client,
) -> None:
    rule = _rule(admin)
    assert rule["id"] == "work-hours" and rule["state"]["id"] == "work-hours"
    groups = [a for a in rule["dispatching"]["actions"] if a["type"] == "RingGroupAction"]
    assert [(g["duration"], g["targets"][0]["destination"]["phoneNumber"]) for g in groups] == [
        (15, DEMO_PHONE)
    ]


def test_lists_and_reads_validate_against_the_spec(admin: httpx.Client) -> None:
    states = assert_matches_spec(admin.get(f"{v2()}/states"), STATES_SPEC)
    assert states["paging"]["totalElements"] == 4
    for state in states["records"]:
        assert_matches_spec(admin.get(f"{v2()}/states/{state['id']}"), STATE_SPEC)
    rules = assert_matches_spec(admin.get(f"{v2()}/voice/state-rules"), STATE_RULES_SPEC)
    assert [r["id"] for r in rules["records"]] == [s["id"] for s in states["records"]]
    paged = admin.get(f"{v2()}/voice/state-rules", params={"perPage": 1, "page": 2})
    body = assert_matches_spec(paged, STATE_RULES_SPEC)
    assert [r["id"] for r in body["records"]] == ["after-hours"]


def test_ids_take_tilde_and_explicit_values(admin: httpx.Client) -> None:
    explicit = _rule(admin, ext=ENHANCED_ADMIN_EXT)
    via_path = admin.get(
        f"{v2(ENHANCED_ADMIN_EXT, ENHANCED_ACCOUNT_ID)}/voice/state-rules/work-hours"
    ).json()
    assert explicit == via_path == _rule(admin)


def test_patch_replaces_the_dispatching_whole(admin: httpx.Client) -> None:
    """What a PATCH leaves out is gone: the trap of v2 clients."""
    new = fresh = "+12125550177"
    response = _patch(admin, {"type": "RingAtOnce", "actions": [ring_group(new, duration=20)]})
    rule = assert_matches_spec(response, STATE_RULE_SPEC)
    actions = rule["dispatching"]["actions"]
    # The apps group and voicemail were not sent, so they are deleted; the offset defaults.
    assert [a["type"] for a in actions] == ["RingGroupAction"]
    assert actions[0]["customStartOffset"] == 0
    assert group_numbers(_rule(admin)["dispatching"]) == [[fresh]]
    # Restore something like the demo for the other tests.
    restored = _patch(
        admin,
        {"type": "RingInOrder", "actions": [ring_group(DEMO_PHONE), voicemail()]},
    )
    assert restored.status_code == 200, restored.text


def test_patch_normalises_numbers_and_keeps_custom_offsets(admin: httpx.Client) -> None:
    dispatching = {
        "type": "Custom",
        "actions": [
            ring_group("(212) 555-0178", duration=30, customStartOffset=0),
            ring_group("+1 212 555 0179", duration=20, customStartOffset=10),
            voicemail(),
        ],
    }
    rule = assert_matches_spec(_patch(admin, dispatching), STATE_RULE_SPEC)
    assert group_numbers(rule["dispatching"]) == [["+12125550178"], ["+12125550179"]]
    offsets = [a["customStartOffset"] for a in rule["dispatching"]["actions"][:2]]
    assert offsets == [0, 10]
    assert _rule(admin)["dispatching"] == rule["dispatching"]


@pytest.mark.parametrize(
    ("action", "parameter"),
    [
        (ring_group("not a number"), "dispatching.actions[0].targets[0].destination.phoneNumber"),
        (ring_group("+12125550180", duration=0), "dispatching.actions[0].duration"),
        (ring_group("+12125550180", duration=301), "dispatching.actions[0].duration"),
        (
            ring_group("+12125550180", customStartOffset=-5),
            "dispatching.actions[0].customStartOffset",
        ),
        (
            {**ring_group(), "targets": [{"type": "HotdeskRingTarget"}]},
            "dispatching.actions[0].targets[0].type",
        ),
        (
            {**ring_group(), "targets": [{"type": "TeleportRingTarget"}]},
            "dispatching.actions[0]",
        ),
        ({"type": "SmokeSignalAction"}, "dispatching.actions[0]"),
        (ring_group("+12125550180", "+1 (212) 555-0180"), "dispatching.actions[0].targets"),
    ],
)
def test_bad_dispatching_is_refused_and_changes_nothing(
    admin: httpx.Client, action: dict[str, Any], parameter: str
) -> None:
    before = _rule(admin)
    response = _patch(admin, {"type": "RingInOrder", "actions": [action, voicemail()]})
    body = assert_ringcentral_error(response, 400)
    names = [e.get("parameterName", "") for e in body["errors"]]
    assert any(name.startswith(parameter) for name in names), names
    assert _rule(admin) == before


def test_voicemail_must_come_last_and_terminate_rings_nobody(admin: httpx.Client) -> None:
    before = _rule(admin)
    out_of_order = _patch(
        admin, {"type": "RingInOrder", "actions": [voicemail(), ring_group("+12125550181")]}
    )
    assert_ringcentral_error(out_of_order, 400, "dispatching.actions")
    ringing = _patch(
        admin, {"type": "Terminate", "actions": [ring_group("+12125550181"), voicemail()]}
    )
    assert_ringcentral_error(ringing, 400, "dispatching.actions")
    assert _rule(admin) == before


def test_a_coworker_target_must_be_in_the_account(admin: httpx.Client) -> None:
    before = _rule(admin)
    coworker = {"type": "CoworkerRingTarget", "extension": {"id": ENHANCED_USER_EXT}}
    group = {**ring_group(), "targets": [coworker]}
    ok = _patch(admin, {"type": "RingInOrder", "actions": [group, voicemail()]})
    assert assert_matches_spec(ok, STATE_RULE_SPEC)["dispatching"]["actions"][0]["targets"] == [
        coworker
    ]
    foreign = {"type": "CoworkerRingTarget", "extension": {"id": ADMIN_EXT}}
    response = _patch(
        admin, {"type": "RingInOrder", "actions": [{**group, "targets": [foreign]}, voicemail()]}
    )
    assert_ringcentral_error(response, 404, "dispatching.actions[0].targets[0].extension.id")
    assert _rule(admin)["dispatching"]["actions"][0]["targets"] == [coworker]
    _patch(admin, before["dispatching"])


def test_a_device_of_another_extension_is_not_found(admin: httpx.Client) -> None:
    before = _rule(admin)
    device = {"type": "DeviceRingTarget", "device": {"id": "999000111"}}
    response = _patch(
        admin,
        {"type": "RingInOrder", "actions": [{**ring_group(), "targets": [device]}, voicemail()]},
    )
    assert_ringcentral_error(response, 404, "dispatching.actions[0].targets[0].device.id")
    assert _rule(admin) == before


def test_unknown_state_is_not_found(admin: httpx.Client) -> None:
    assert_ringcentral_error(admin.get(f"{v2()}/voice/state-rules/lunch"), 404)
    assert_ringcentral_error(admin.get(f"{v2()}/states/busy"), 404)
    assert_ringcentral_error(admin.get(f"{v2()}/states/agent"), 404)


def test_a_user_reads_own_rules_but_not_a_colleagues(user: httpx.Client) -> None:
    assert _rule(user)["id"] == "work-hours"
    response = user.get(f"{v2(ENHANCED_ADMIN_EXT)}/voice/state-rules/work-hours")
    assert_ringcentral_error(response, 403)
    patched = _patch(user, {"type": "Terminate", "actions": [voicemail()]}, ext=ENHANCED_ADMIN_EXT)
    assert_ringcentral_error(patched, 403)


def test_an_admin_edits_a_users_rules(admin: httpx.Client, user: httpx.Client) -> None:
    response = _patch(
        admin,
        {"type": "RingInOrder", "actions": [ring_group("+12125550182"), voicemail()]},
        ext=ENHANCED_USER_EXT,
    )
    assert response.status_code == 200, response.text
    assert group_numbers(_rule(user)["dispatching"]) == [["+12125550182"]]


def test_another_account_is_not_found(shared_server: LiveServer) -> None:
    with root_client(shared_server, OTHER) as other:
        for path in (
            f"{v2(ENHANCED_ADMIN_EXT, ENHANCED_ACCOUNT_ID)}/voice/state-rules/work-hours",
            f"{v2(ENHANCED_ADMIN_EXT, ENHANCED_ACCOUNT_ID)}/states",
        ):
            assert_ringcentral_error(other.get(path), 404)


def test_work_hours_schedule_makes_and_unmakes_after_hours(user: httpx.Client) -> None:
    def state_ids() -> list[str]:
        body = assert_matches_spec(user.get(f"{v2()}/states"), STATES_SPEC)
        return [s["id"] for s in body["records"]]

    assert "after-hours" not in state_ids()
    weekly = {
        "type": "Schedule",
        "schedule": {
            "triggers": [
                {
                    "triggerType": "Weekly",
                    "ranges": {"monday": [{"startTime": "08:00:00", "endTime": "12:00:00"}]},
                }
            ]
        },
    }
    response = user.patch(f"{v2()}/states/work-hours", json={"conditions": [weekly]})
    state = assert_matches_spec(response, STATE_SPEC)
    assert state["conditions"][0]["schedule"]["triggers"][0]["ranges"] == {
        "monday": [{"startTime": "08:00:00", "endTime": "12:00:00"}]
    }
    assert state_ids() == ["work-hours", "after-hours", "dnd", "forward-all-calls"]
    assert _rule(user, "after-hours")["dispatching"]["type"] == "Terminate"
    all_week = {
        "type": "Schedule",
        "schedule": {"triggers": [{"triggerType": "Weekly", "ranges": {}}]},
    }
    response = user.patch(f"{v2()}/states/work-hours", json={"conditions": [all_week]})
    assert assert_matches_spec(response, STATE_SPEC)["conditions"] == []
    assert state_ids() == ["work-hours", "dnd", "forward-all-calls"]
    assert_ringcentral_error(user.get(f"{v2()}/voice/state-rules/after-hours"), 404)


def test_states_toggle_and_refuse_what_they_cannot_do(user: httpx.Client) -> None:
    response = user.patch(f"{v2()}/states/dnd", json={"enabled": True})
    assert assert_matches_spec(response, STATE_SPEC)["enabled"] is True
    assert user.get(f"{v2()}/states/dnd").json()["enabled"] is True
    user.patch(f"{v2()}/states/dnd", json={"enabled": False})
    assert_ringcentral_error(
        user.patch(f"{v2()}/states/work-hours", json={"enabled": False}), 400, "enabled"
    )
    assert_ringcentral_error(user.patch(f"{v2()}/states/after-hours", json={"enabled": True}), 404)
    bad_time = {
        "type": "Schedule",
        "schedule": {
            "triggers": [
                {
                    "triggerType": "Weekly",
                    "ranges": {"monday": [{"startTime": "25:00", "endTime": "12:00:00"}]},
                }
            ]
        },
    }
    response = user.patch(f"{v2()}/states/work-hours", json={"conditions": [bad_time]})
    assert_ringcentral_error(response, 400)
    assert user.get(f"{v2()}/states/work-hours").json()["conditions"] == []


def test_etags_and_if_match(admin: httpx.Client) -> None:
    first = admin.get(f"{v2()}/voice/state-rules/work-hours")
    tag = first.headers["ETag"]
    body = {"dispatching": first.json()["dispatching"]}
    stale = admin.patch(
        f"{v2()}/voice/state-rules/work-hours", json=body, headers={"If-Match": '"nope"'}
    )
    assert_ringcentral_error(stale, 412)
    fresh = admin.patch(
        f"{v2()}/voice/state-rules/work-hours", json=body, headers={"If-Match": tag}
    )
    assert fresh.status_code == 200 and fresh.headers["ETag"] != tag
