"""Answering rules: custom-rule CRUD, standard rules, merge on PUT, call-handling checks."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support.rest import (
    DEMO_NUMBER_ID,
    OTHER_EXT,
    RULE_SPEC,
    RULES_SPEC,
    USER_EXT,
    VIP_RULE_ID,
    assert_refused,
    create_custom_rule,
    create_number,
    fresh_number,
    read_rule,
    rules_path,
    unchanged,
)
from tests.support.servers import LiveServer
from tests.support.spec import assert_matches_spec

RULES = rules_path()
CALLER = [{"callerId": "+14155550123"}]
SUMMARY_KEYS = {"uri", "id", "type", "name", "enabled", "callHandlingAction"}


def rule_path(rule_id: str) -> str:
    return f"{RULES}/{rule_id}"


# --- a custom rule's life, on both backends --------------------------------------------


def test_custom_rule_lifecycle_matches_the_spec_at_every_step(live_server: LiveServer) -> None:
    with live_server.client() as admin:
        body = {
            "type": "Custom",
            "name": "Holidays",
            "enabled": True,
            "callHandlingAction": "TakeMessagesOnly",
            "schedule": {
                "ranges": [{"from": "2026-12-24T00:00:00Z", "to": "2026-12-27T00:00:00Z"}]
            },
        }
        created = assert_matches_spec(admin.post(RULES, json=body), RULES_SPEC)
        assert created["id"].isdigit() and created["type"] == "Custom"
        assert created["name"] == "Holidays" and created["callHandlingAction"] == "TakeMessagesOnly"
        assert created["uri"].endswith(
            f"/restapi/v1.0/account/11111111/extension/22222222/answering-rule/{created['id']}"
        )
        one = rule_path(created["id"])
        assert assert_matches_spec(admin.get(one), RULE_SPEC) == created

        listed = assert_matches_spec(admin.get(RULES, params={"type": "Custom"}), RULES_SPEC)
        assert [r["id"] for r in listed["records"]] == [VIP_RULE_ID, created["id"]]

        renamed = assert_matches_spec(
            admin.put(one, json={"name": "Christmas", "enabled": False}), RULE_SPEC
        )
        assert renamed == {**created, "name": "Christmas", "enabled": False}

        deleted = admin.delete(one)
        assert deleted.status_code == 204 and deleted.content == b""
        assert_refused(admin.get(one), 404, "ruleId", spec_path=RULE_SPEC)
        assert_refused(admin.delete(one), 404, "ruleId", spec_path=RULE_SPEC)


# --- standard rules --------------------------------------------------------------------


@pytest.mark.parametrize("rule_id", ["business-hours-rule", "after-hours-rule"])
def test_standard_rules_cannot_be_deleted(admin: httpx.Client, rule_id: str) -> None:
    with unchanged(admin):
        response = admin.delete(rule_path(rule_id))
    assert_refused(response, 400, "ruleId")


@pytest.mark.parametrize(
    ("rule_id", "new_type"),
    [
        ("business-hours-rule", "Custom"),
        ("business-hours-rule", "AfterHours"),
        ("after-hours-rule", "BusinessHours"),
        (VIP_RULE_ID, "BusinessHours"),
    ],
)
def test_no_rule_can_change_its_type(admin: httpx.Client, rule_id: str, new_type: str) -> None:
    with unchanged(admin):
        response = admin.put(rule_path(rule_id), json={"type": new_type})
    assert_refused(response, 400, "type", spec_path=RULE_SPEC)


def test_standard_rules_show_their_schedule_as_a_reference(admin: httpx.Client) -> None:
    assert read_rule(admin, "business-hours-rule")["schedule"] == {"ref": "BusinessHours"}
    assert read_rule(admin, "after-hours-rule")["schedule"] == {"ref": "AfterHours"}


def test_only_custom_rules_can_be_created(admin: httpx.Client) -> None:
    body = {"type": "BusinessHours", "name": "x", "callHandlingAction": "TakeMessagesOnly"}
    with unchanged(admin):
        response = admin.post(RULES, json={**body, "callers": CALLER})
    assert_refused(response, 400, "type", spec_path=RULES_SPEC)


# --- creating custom rules -------------------------------------------------------------


@pytest.mark.parametrize(
    "condition",
    [
        {"callers": [{"callerId": "(415) 555-0123", "name": "Bob"}]},
        {"calledNumbers": [{"phoneNumber": "650-555-0101"}]},
        {"schedule": {"weeklyRanges": {"monday": [{"from": "09:00", "to": "12:00"}]}}},
        {"schedule": {"ranges": [{"from": "2026-07-04T00:00:00Z", "to": "2026-07-05T00:00:00Z"}]}},
        {"schedule": {"ref": "BusinessHours"}},
        {"schedule": {"ref": "AfterHours"}},
    ],
)
def test_a_custom_rule_takes_any_one_condition(
    admin: httpx.Client, condition: dict[str, Any]
) -> None:
    body = {"type": "Custom", "name": "One condition", "callHandlingAction": "TakeMessagesOnly"}
    created = assert_matches_spec(admin.post(RULES, json={**body, **condition}), RULES_SPEC)
    read = read_rule(admin, created["id"])
    assert read == created
    if "callers" in condition:
        assert read["callers"] == [{"callerId": "+14155550123", "name": "Bob"}]
    elif "calledNumbers" in condition:
        assert read["calledNumbers"] == [{"phoneNumber": "+16505550101"}]
    elif "ranges" in condition["schedule"]:
        (window,) = read["schedule"]["ranges"]
        assert window["from"].startswith("2026-07-04T00:00:00")
        assert window["to"].startswith("2026-07-05T00:00:00")
    else:
        assert read["schedule"] == condition["schedule"]


@pytest.mark.parametrize(
    ("body", "parameter"),
    [
        ({"callHandlingAction": "TakeMessagesOnly", "callers": CALLER}, "name"),
        ({"name": "", "callHandlingAction": "TakeMessagesOnly", "callers": CALLER}, "name"),
        ({"name": "No action", "callers": CALLER}, "callHandlingAction"),
        ({"name": "No condition", "callHandlingAction": "TakeMessagesOnly"}, "callers"),
        (
            {
                "name": "Empty",
                "callHandlingAction": "TakeMessagesOnly",
                "callers": [],
                "schedule": {},
            },
            "callers",
        ),
        (
            {
                "name": "Bad caller",
                "callHandlingAction": "ForwardCalls",
                "callers": [{"callerId": "x"}],
            },
            "callers[0].callerId",
        ),
        (
            {
                "name": "Bad day",
                "callHandlingAction": "ForwardCalls",
                "schedule": {"weeklyRanges": {"funday": [{"from": "09:00", "to": "10:00"}]}},
            },
            "schedule.weeklyRanges.funday",
        ),
        (
            {
                "name": "Bad time",
                "callHandlingAction": "ForwardCalls",
                "schedule": {"weeklyRanges": {"monday": [{"from": "25:00", "to": "10:00"}]}},
            },
            "schedule.weeklyRanges.monday[0].from",
        ),
        (
            {
                "name": "Backwards",
                "callHandlingAction": "ForwardCalls",
                "schedule": {
                    "ranges": [{"from": "2026-07-05T00:00:00Z", "to": "2026-07-04T00:00:00Z"}]
                },
            },
            "schedule.ranges[0]",
        ),
        (
            {"name": "Bad ref", "callHandlingAction": "ForwardCalls", "schedule": {"ref": "Lunch"}},
            "schedule.ref",
        ),
    ],
)
def test_a_custom_rule_needs_a_name_an_action_and_a_valid_condition(
    admin: httpx.Client, body: dict[str, Any], parameter: str
) -> None:
    with unchanged(admin):
        response = admin.post(RULES, json={"type": "Custom", **body})
    assert_refused(response, 400, parameter, spec_path=RULES_SPEC)


def test_a_custom_rule_without_type_is_400_naming_type(admin: httpx.Client) -> None:
    body = {"name": "Untyped", "callHandlingAction": "TakeMessagesOnly", "callers": CALLER}
    with unchanged(admin):
        response = admin.post(RULES, json=body)
    assert_refused(response, 400, "type", spec_path=RULES_SPEC)


# --- call handling actions -------------------------------------------------------------


@pytest.mark.parametrize("action", ["AgentQueue", "SharedLines"])
def test_queue_and_shared_lines_actions_are_400_on_a_user_extension(
    admin: httpx.Client, action: str
) -> None:
    with unchanged(admin):
        created = admin.post(
            RULES,
            json={"type": "Custom", "name": "q", "callHandlingAction": action, "callers": CALLER},
        )
        updated = admin.put(rule_path("business-hours-rule"), json={"callHandlingAction": action})
    assert_refused(created, 400, "callHandlingAction", spec_path=RULES_SPEC)
    assert_refused(updated, 400, "callHandlingAction", spec_path=RULE_SPEC)


def test_unconditional_forwarding_needs_a_number(admin: httpx.Client) -> None:
    custom = create_custom_rule(admin)
    with unchanged(admin):
        response = admin.put(
            rule_path(custom["id"]), json={"callHandlingAction": "UnconditionalForwarding"}
        )
    assert_refused(response, 400, "unconditionalForwarding.phoneNumber", spec_path=RULE_SPEC)
    body = {
        "callHandlingAction": "UnconditionalForwarding",
        "unconditionalForwarding": {"phoneNumber": "(212) 555-0142"},
    }
    updated = assert_matches_spec(admin.put(rule_path(custom["id"]), json=body), RULE_SPEC)
    assert updated["unconditionalForwarding"]["phoneNumber"] == "+12125550142"
    assert "forwarding" not in updated


def test_unconditional_forwarding_to_an_invalid_number_is_400(admin: httpx.Client) -> None:
    body = {
        "callHandlingAction": "UnconditionalForwarding",
        "unconditionalForwarding": {"phoneNumber": "+1555"},
    }
    with unchanged(admin):
        response = admin.put(rule_path("after-hours-rule"), json=body)
    assert_refused(response, 400, "unconditionalForwarding.phoneNumber", spec_path=RULE_SPEC)


def test_transfer_to_an_extension_of_the_same_account(admin: httpx.Client) -> None:
    custom = create_custom_rule(admin)
    body = {
        "callHandlingAction": "TransferToExtension",
        "transfer": {"extension": {"id": USER_EXT}},
    }
    updated = assert_matches_spec(admin.put(rule_path(custom["id"]), json=body), RULE_SPEC)
    assert updated["transfer"]["extension"]["id"] == USER_EXT
    assert updated["transfer"]["extension"]["uri"].endswith(
        f"/restapi/v1.0/account/11111111/extension/{USER_EXT}"
    )


@pytest.mark.parametrize(
    ("transfer", "parameter"),
    [
        ({"extension": {"id": OTHER_EXT}}, "transfer.extension.id"),
        ({"extension": {"id": "12345"}}, "transfer.extension.id"),
        ({"extension": {}}, "transfer.extension.id"),
        (None, "transfer.extension.id"),
    ],
)
def test_transfer_needs_an_extension_of_the_same_account(
    admin: httpx.Client, transfer: dict[str, Any] | None, parameter: str
) -> None:
    body: dict[str, Any] = {"callHandlingAction": "TransferToExtension"}
    if transfer is not None:
        body["transfer"] = transfer
    with unchanged(admin):
        response = admin.put(rule_path("after-hours-rule"), json=body)
    assert_refused(response, 400, parameter, spec_path=RULE_SPEC)


# --- PUT is a merge --------------------------------------------------------------------


def test_put_leaves_absent_top_level_fields_as_they_are(admin: httpx.Client) -> None:
    custom = create_custom_rule(
        admin,
        calledNumbers=[{"phoneNumber": "+16505550101"}],
        voicemail={"enabled": False},
        screening="Always",
    )
    updated = assert_matches_spec(
        admin.put(rule_path(custom["id"]), json={"name": "Renamed"}), RULE_SPEC
    )
    assert updated == {**custom, "name": "Renamed"}
    assert read_rule(admin, custom["id"]) == updated


def test_put_of_the_ringing_mode_alone_changes_only_the_mode(admin: httpx.Client) -> None:
    extra = create_number(admin)["id"]
    groups = [
        {"ringCount": 2, "forwardingNumbers": [{"id": DEMO_NUMBER_ID}]},
        {"ringCount": 6, "forwardingNumbers": [{"id": extra}]},
    ]
    body = {
        "forwarding": {"rules": groups, "ringingMode": "Sequentially", "softPhonesRingCount": 3}
    }
    assert admin.put(rule_path("business-hours-rule"), json=body).status_code == 200
    before = read_rule(admin, "business-hours-rule", inactive=True)
    response = admin.put(
        rule_path("business-hours-rule"), json={"forwarding": {"ringingMode": "Simultaneously"}}
    )
    assert_matches_spec(response, RULE_SPEC)
    after = read_rule(admin, "business-hours-rule", inactive=True)
    expected = {**before, "forwarding": {**before["forwarding"], "ringingMode": "Simultaneously"}}
    assert after == expected


def test_put_of_forwarding_rules_replaces_the_active_list_and_keeps_the_rest(
    admin: httpx.Client,
) -> None:
    a, b = create_number(admin)["id"], create_number(admin)["id"]
    body = {
        "forwarding": {"rules": [{"forwardingNumbers": [{"id": a}]}], "notifyMySoftPhones": False}
    }
    assert admin.put(rule_path("business-hours-rule"), json=body).status_code == 200
    before = read_rule(admin, "business-hours-rule")
    replaced = admin.put(
        rule_path("business-hours-rule"),
        json={"forwarding": {"rules": [{"ringCount": 5, "forwardingNumbers": [{"id": b}]}]}},
    )
    after = assert_matches_spec(replaced, RULE_SPEC)
    assert [[n["id"] for n in g["forwardingNumbers"]] for g in after["forwarding"]["rules"]] == [
        [b]
    ]
    assert after["forwarding"]["notifyMySoftPhones"] is False
    unchanged_part = {k: v for k, v in before["forwarding"].items() if k != "rules"}
    assert {k: v for k, v in after["forwarding"].items() if k != "rules"} == unchanged_part
    assert {k: v for k, v in after.items() if k != "forwarding"} == {
        k: v for k, v in before.items() if k != "forwarding"
    }


def test_put_can_switch_a_rule_between_actions_and_back(admin: httpx.Client) -> None:
    custom = create_custom_rule(admin)
    taken = admin.put(rule_path(custom["id"]), json={"callHandlingAction": "TakeMessagesOnly"})
    assert "forwarding" not in assert_matches_spec(taken, RULE_SPEC)
    back = admin.put(rule_path(custom["id"]), json={"callHandlingAction": "ForwardCalls"})
    assert assert_matches_spec(back, RULE_SPEC)["forwarding"] == custom["forwarding"]


@pytest.mark.parametrize(
    ("body", "parameter"),
    [
        ({"callers": []}, "callers"),
        ({"name": ""}, "name"),
        ({"name": "x" * 65}, "name"),
        ({"id": "after-hours-rule"}, "id"),
        ({"enabled": "yes"}, "enabled"),
        ({"callHandlingAction": "Voicemail"}, "callHandlingAction"),
        ({"screening": "Sometimes"}, "screening"),
        ({"forwarding": {"softPhonesRingCount": 16}}, "forwarding.softPhonesRingCount"),
    ],
)
def test_refused_rule_updates_leave_the_rule_unchanged(
    admin: httpx.Client, body: dict[str, Any], parameter: str
) -> None:
    custom = create_custom_rule(admin)
    with unchanged(admin):
        response = admin.put(rule_path(custom["id"]), json=body)
    assert_refused(response, 400, parameter, spec_path=RULE_SPEC)


@pytest.mark.parametrize(
    "body",
    [
        {"callers": CALLER},
        {"calledNumbers": [{"phoneNumber": "+16505550101"}]},
        {"schedule": {"ref": "AfterHours"}},
    ],
)
def test_standard_rules_take_no_conditions(admin: httpx.Client, body: dict[str, Any]) -> None:
    with unchanged(admin):
        response = admin.put(rule_path("business-hours-rule"), json=body)
    assert_refused(response, 400, next(iter(body)), spec_path=RULE_SPEC)


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_an_unknown_rule_is_404(admin: httpx.Client, method: str) -> None:
    for rule_id in ("12345", "no-such-rule"):
        with unchanged(admin):
            response = admin.request(method, rule_path(rule_id), json={"name": "x"})
        assert_refused(response, 404, "ruleId", spec_path=RULE_SPEC)


def test_a_fresh_number_in_the_caller_list_is_normalised(admin: httpx.Client) -> None:
    phone = fresh_number()
    national = f"({phone[2:5]}) {phone[5:8]}-{phone[8:]}"
    created = create_custom_rule(admin, callers=[{"callerId": national}])
    assert created["callers"] == [{"callerId": phone}]
