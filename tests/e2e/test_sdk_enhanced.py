"""Enhanced call handling driven by RingCentral's official Python SDK against `serve --demo`."""

from __future__ import annotations

from typing import Any

from ringcentral import SDK

from tests.support.servers import CLIENT_ID, CLIENT_SECRET, PASSWORD, LiveServer
from tests.support.spec import assert_matches_spec

FEATURES = "/restapi/v1.0/account/~/extension/~/features"
FEATURES_SPEC = "/restapi/v1.0/account/{accountId}/extension/{extensionId}/features"
V2 = "/restapi/v2/accounts/~/extensions/~/comm-handling"
V2_SPEC = "/restapi/v2/accounts/{accountId}/extensions/{extensionId}/comm-handling"
NEW_NUMBER = "+12125550100"


def _platform(server: LiveServer, email: str) -> Any:
    platform = SDK(CLIENT_ID, CLIENT_SECRET, server.base_url).platform()
    platform.login(username=email, password=PASSWORD)
    return platform


def _is_enhanced(platform: Any) -> bool:
    """RingCentral's documented detection of an upgraded account."""
    response = platform.get(FEATURES, {"featureId": "NewCallHandlingAndForwarding"}).response()
    body = assert_matches_spec(response, FEATURES_SPEC)
    record = next(r for r in body["records"] if r["id"] == "NewCallHandlingAndForwarding")
    params = {p["name"]: p["value"] for p in record.get("params", [])}
    return params.get("isNewBackendAvailable") == "true"


def test_detect_generation_edit_the_work_hours_ring_group_and_interaction_rules(
    live_server: LiveServer,
) -> None:
    legacy = _platform(live_server, "admin@example.com")
    enhanced = _platform(live_server, "enhanced@example.com")
    assert _is_enhanced(legacy) is False
    assert _is_enhanced(enhanced) is True

    rule_path = f"{V2}/voice/state-rules/work-hours"
    rule_spec = f"{V2_SPEC}/voice/state-rules/{{stateId}}"
    rule = assert_matches_spec(enhanced.get(rule_path).response(), rule_spec)
    actions = rule["dispatching"]["actions"]
    group = next(a for a in actions if a["type"] == "RingGroupAction")
    assert [t["destination"]["phoneNumber"] for t in group["targets"]] == ["+16505550100"]

    # PATCH replaces the whole dispatching: send every action back, with the group grown.
    group["targets"].append(
        {"type": "PhoneNumberRingTarget", "destination": {"phoneNumber": NEW_NUMBER}}
    )
    body = {"dispatching": {"type": rule["dispatching"]["type"], "actions": actions}}
    patched = assert_matches_spec(enhanced.patch(rule_path, body).response(), rule_spec)
    again = assert_matches_spec(enhanced.get(rule_path).response(), rule_spec)
    assert patched["dispatching"] == again["dispatching"]
    group = next(a for a in again["dispatching"]["actions"] if a["type"] == "RingGroupAction")
    assert [t["destination"]["phoneNumber"] for t in group["targets"]] == [
        "+16505550100",
        NEW_NUMBER,
    ]
    assert [a["type"] for a in again["dispatching"]["actions"]] == [
        "RingAlwaysGroupAction",
        "RingGroupAction",
        "TerminatingAction",
    ]

    rules_path = f"{V2}/voice/interaction-rules"
    rules_spec = f"{V2_SPEC}/voice/interaction-rules"
    new_rule = {
        "displayName": "Family",
        "enabled": True,
        "conditions": [
            {
                "type": "Interaction",
                "from": [{"phoneNumber": "+13125550177", "name": "Mum"}],
                "to": [],
            }
        ],
        "dispatching": {
            "type": "RingAtOnce",
            "actions": [
                {
                    "type": "RingGroupAction",
                    "enabled": True,
                    "duration": 20,
                    "targets": [
                        {
                            "type": "PhoneNumberRingTarget",
                            "destination": {"phoneNumber": NEW_NUMBER},
                        }
                    ],
                }
            ],
        },
    }
    created = assert_matches_spec(enhanced.post(rules_path, new_rule).response(), rules_spec)
    listed = assert_matches_spec(enhanced.get(rules_path).response(), rules_spec)
    assert created["id"] in [r["id"] for r in listed["records"]]
    read = assert_matches_spec(
        enhanced.get(f"{rules_path}/{created['id']}").response(), f"{rules_spec}/{{ruleId}}"
    )
    assert read == created
    deleted = enhanced.delete(f"{rules_path}/{created['id']}").response()
    assert deleted.status_code == 204
    listed = assert_matches_spec(enhanced.get(rules_path).response(), rules_spec)
    assert created["id"] not in [r["id"] for r in listed["records"]]
    legacy.logout()
    enhanced.logout()
