"""v2 interaction rules and forwarding targets: CRUD, PATCH replacement, bad input, isolation."""

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
    INTERACTION_RULE_SPEC,
    INTERACTION_RULES_SPEC,
    TARGETS_SPEC,
    VIP_RULE_ID,
    ring_group,
    root_client,
    v2,
    voicemail,
)
from tests.support.rest import OTHER, fresh_number
from tests.support.servers import LiveServer
from tests.support.spec import assert_matches_spec, assert_ringcentral_error

RULES = f"{v2()}/voice/interaction-rules"


@pytest.fixture(scope="module")
def admin(shared_server: LiveServer) -> Iterator[httpx.Client]:
    with root_client(shared_server, ENHANCED) as client:
        yield client


@pytest.fixture(scope="module")
def user(shared_server: LiveServer) -> Iterator[httpx.Client]:
    with root_client(shared_server, ENHANCED_USER) as client:
        yield client


def _body(caller: str | None = None, **fields: Any) -> dict[str, Any]:
    return {
        "displayName": "Family",
        "enabled": True,
        "conditions": [
            {
                "type": "Interaction",
                "from": [{"phoneNumber": caller or fresh_number(), "name": "Mum"}],
                "to": [],
            }
        ],
        "dispatching": {"type": "RingAtOnce", "actions": [ring_group(fresh_number()), voicemail()]},
        **fields,
    }


def _create(client: httpx.Client, **fields: Any) -> dict[str, Any]:
    response = client.post(RULES, json=_body(**fields))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = assert_matches_spec(response, INTERACTION_RULES_SPEC, "POST")
    return body


def _ids(client: httpx.Client, **params: str) -> list[str]:
    body = assert_matches_spec(client.get(RULES, params=params), INTERACTION_RULES_SPEC)
    return [rule["id"] for rule in body["records"]]


def test_the_demo_vip_rule_is_listed(admin: httpx.Client) -> None:
    response = admin.get(f"{RULES}/{VIP_RULE_ID}")
    rule = assert_matches_spec(response, INTERACTION_RULE_SPEC)
    assert rule["conditions"][0]["from"][0]["phoneNumber"] == "+14155550199"
    assert VIP_RULE_ID in _ids(admin)


def test_create_read_list_delete(user: httpx.Client) -> None:
    created = _create(user, displayName="Weekend")
    assert created["displayName"] == "Weekend" and created["id"]
    read = assert_matches_spec(user.get(f"{RULES}/{created['id']}"), INTERACTION_RULE_SPEC)
    assert read == created
    assert created["id"] in _ids(user)
    deleted = user.delete(f"{RULES}/{created['id']}")
    assert deleted.status_code == 204
    assert_ringcentral_error(user.get(f"{RULES}/{created['id']}"), 404)
    assert created["id"] not in _ids(user)
    assert_ringcentral_error(user.delete(f"{RULES}/{created['id']}"), 404)


def test_numbers_are_normalised(user: httpx.Client) -> None:
    created = _create(
        user,
        conditions=[
            {
                "type": "Interaction",
                "from": [{"phoneNumber": "(212) 555-0190", "name": "A"}],
                "to": ["+1 650 555 0202"],
            }
        ],
    )
    condition = created["conditions"][0]
    assert condition["from"][0]["phoneNumber"] == "+12125550190"
    assert condition["to"] == ["+16505550202"]


def test_patch_replaces_each_object_sent_and_keeps_the_rest(user: httpx.Client) -> None:
    created = _create(user)
    response = user.patch(
        f"{RULES}/{created['id']}",
        json={"dispatching": {"type": "Terminate", "actions": [voicemail()]}},
    )
    patched = assert_matches_spec(response, INTERACTION_RULE_SPEC)
    assert [a["type"] for a in patched["dispatching"]["actions"]] == ["TerminatingAction"]
    assert patched["conditions"] == created["conditions"]
    assert patched["displayName"] == created["displayName"]
    schedule = {
        "type": "Schedule",
        "schedule": {
            "triggers": [{"triggerType": "Daily", "startTime": "12:00:00", "endTime": "13:00:00"}]
        },
    }
    response = user.patch(f"{RULES}/{created['id']}", json={"conditions": [schedule]})
    patched = assert_matches_spec(response, INTERACTION_RULE_SPEC)
    # The caller condition was not sent again: it is gone.
    assert [c["type"] for c in patched["conditions"]] == ["Schedule"]
    response = user.patch(f"{RULES}/{created['id']}", json={"enabled": False})
    assert assert_matches_spec(response, INTERACTION_RULE_SPEC)["enabled"] is False
    assert created["id"] in _ids(user, enabled="false")
    assert created["id"] not in _ids(user, enabled="true")


def test_a_state_condition_carries_the_state(user: httpx.Client) -> None:
    created = _create(user, conditions=[{"type": "State", "state": {"id": "work-hours"}}])
    state = created["conditions"][0]["state"]
    assert state["id"] == "work-hours" and state["displayName"] == "Work Hours"


@pytest.mark.parametrize(
    ("fields", "status", "parameter"),
    [
        ({"displayName": ""}, 400, "displayName"),
        ({"conditions": []}, 400, "conditions"),
        (
            {
                "conditions": [
                    {"type": "Interaction", "from": [{"phoneNumber": "12", "name": "x"}], "to": []}
                ]
            },
            400,
            "conditions[0].from[0].phoneNumber",
        ),
        (
            {
                "dispatching": {
                    "type": "RingAtOnce",
                    "actions": [ring_group("+12125550191", duration=1000)],
                }
            },
            400,
            "dispatching.actions[0].duration",
        ),
        (
            {
                "dispatching": {
                    "type": "RingAtOnce",
                    "actions": [
                        {
                            **ring_group(),
                            "targets": [
                                {"type": "CoworkerRingTarget", "extension": {"id": "22222222"}}
                            ],
                        }
                    ],
                }
            },
            404,
            "dispatching.actions[0].targets[0].extension.id",
        ),
        ({"enabled": "yes"}, 400, "enabled"),
    ],
)
def test_bad_rules_are_refused_and_nothing_is_created(
    user: httpx.Client, fields: dict[str, Any], status: int, parameter: str
) -> None:
    before = _ids(user)
    response = user.post(RULES, json=_body(**fields))
    body = assert_ringcentral_error(response, status)
    names = [e.get("parameterName", "") for e in body["errors"]]
    assert any(name.startswith(parameter) for name in names), names
    assert _ids(user) == before


def test_a_bad_patch_changes_nothing(user: httpx.Client) -> None:
    created = _create(user)
    response = user.patch(
        f"{RULES}/{created['id']}",
        json={
            "displayName": "New",
            "dispatching": {"type": "RingAtOnce", "actions": [ring_group("nope")]},
        },
    )
    assert_ringcentral_error(response, 400)
    assert user.get(f"{RULES}/{created['id']}").json() == created


def test_isolation(user: httpx.Client, shared_server: LiveServer) -> None:
    assert_ringcentral_error(user.get(f"{v2(ENHANCED_ADMIN_EXT)}/voice/interaction-rules"), 403)
    assert_ringcentral_error(
        user.get(f"{v2(ENHANCED_ADMIN_EXT)}/voice/interaction-rules/{VIP_RULE_ID}"), 403
    )
    with root_client(shared_server, OTHER) as other:
        path = f"{v2(ENHANCED_ADMIN_EXT, ENHANCED_ACCOUNT_ID)}/voice/interaction-rules"
        assert_ringcentral_error(other.get(path), 404)
        assert_ringcentral_error(other.post(path, json=_body()), 404)
    # A rule id of another extension is not found through one's own extension.
    assert_ringcentral_error(user.get(f"{RULES}/{VIP_RULE_ID}"), 404)


def test_forwarding_targets_list_and_delete(admin: httpx.Client) -> None:
    number = fresh_number()
    created = _create(
        admin, dispatching={"type": "RingAtOnce", "actions": [ring_group(number, DEMO_PHONE)]}
    )
    targets = f"{v2()}/voice/forwarding-targets"
    listed = assert_matches_spec(admin.get(targets), TARGETS_SPEC)
    numbers = [t["destination"]["phoneNumber"] for t in listed["records"]]
    assert DEMO_PHONE in numbers and number in numbers
    record = {"type": "PhoneNumberRingTarget", "destination": {"phoneNumber": number}}
    missing = {"type": "PhoneNumberRingTarget", "destination": {"phoneNumber": fresh_number()}}
    response = admin.request("DELETE", targets, json={"records": [record, missing]})
    body = assert_matches_spec(response, TARGETS_SPEC, "DELETE")
    assert [r["bulkItemSuccessful"] for r in body["records"]] == [True, False]
    rule = admin.get(f"{RULES}/{created['id']}").json()
    ringing = [
        t["destination"]["phoneNumber"] for t in rule["dispatching"]["actions"][0]["targets"]
    ]
    assert ringing == [DEMO_PHONE]
    listed = admin.get(targets).json()
    assert number not in [t["destination"]["phoneNumber"] for t in listed["records"]]
    admin.delete(f"{RULES}/{created['id']}")


def test_device_extensions_of_an_unknown_device_is_not_found(admin: httpx.Client) -> None:
    response = admin.get(f"{v2()}/voice/forwarding-targets/devices/12345/extensions")
    assert_ringcentral_error(response, 404, "deviceId")
