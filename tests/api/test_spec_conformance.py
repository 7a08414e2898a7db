"""Every operation of the issue answers as the spec says, whichever way ``~`` is used."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support.rest import (
    ACCOUNT_ID,
    ACCOUNT_SPEC,
    ADMIN_EXT,
    DEMO_NUMBER_ID,
    EXTENSION_SPEC,
    EXTENSIONS_SPEC,
    HOURS_SPEC,
    NUMBER_SPEC,
    NUMBERS_SPEC,
    REVOKE_SPEC,
    RULE_SPEC,
    RULES_SPEC,
    TOKEN_SPEC,
    VIP_RULE_ID,
    create_custom_rule,
    create_number,
    ext,
    fresh_number,
)
from tests.support.servers import CLIENT_ID, CLIENT_SECRET, PASSWORD, LiveServer
from tests.support.spec import assert_matches_spec

# The four ways to name the admin's extension: both ids, both "~", and each mixed.
SPELLINGS = [("~", "~"), (ACCOUNT_ID, ADMIN_EXT), ("~", ADMIN_EXT), (ACCOUNT_ID, "~")]
SPELLING_IDS = ["~/~", "ids", "~/id", "id/~"]
CANONICAL = f"/restapi/v1.0/account/{ACCOUNT_ID}/extension/{ADMIN_EXT}"

READS: list[tuple[str, str, dict[str, str]]] = [
    ("", EXTENSION_SPEC, {}),
    ("/forwarding-number", NUMBERS_SPEC, {}),
    ("/forwarding-number", NUMBERS_SPEC, {"page": "1", "perPage": "1"}),
    (f"/forwarding-number/{DEMO_NUMBER_ID}", NUMBER_SPEC, {}),
    ("/answering-rule", RULES_SPEC, {}),
    ("/answering-rule", RULES_SPEC, {"view": "Detailed"}),
    ("/answering-rule", RULES_SPEC, {"view": "Simple", "type": "Custom", "enabledOnly": "true"}),
    ("/answering-rule/business-hours-rule", RULE_SPEC, {}),
    ("/answering-rule/business-hours-rule", RULE_SPEC, {"showInactiveNumbers": "true"}),
    ("/answering-rule/after-hours-rule", RULE_SPEC, {}),
    (f"/answering-rule/{VIP_RULE_ID}", RULE_SPEC, {}),
    ("/business-hours", HOURS_SPEC, {}),
]


@pytest.fixture(scope="module", autouse=True)
def populated(admin: httpx.Client) -> None:
    """Give the admin an inactive number and a PhoneLine so every shape appears."""
    create_number(admin, label="Inactive one")
    admin.post(
        "/account/~/extension/~/forwarding-number",
        json={"type": "PhoneLine", "device": {"id": "31337"}},
    ).raise_for_status()


@pytest.mark.parametrize(("suffix", "spec_path", "params"), READS)
def test_every_read_matches_the_spec_and_tilde_means_the_tokens_own_ids(
    admin: httpx.Client, suffix: str, spec_path: str, params: dict[str, str]
) -> None:
    bodies = []
    for account, extension in SPELLINGS:
        response = admin.get(ext(extension, account) + suffix, params=params)
        body = assert_matches_spec(response, spec_path)
        bodies.append(body)
        assert "/~" not in response.text, "canonical uris name ids, never ~"
        assert CANONICAL in response.text
    # Canonical uris (links included) make the four answers identical to the byte.
    assert all(body == bodies[0] for body in bodies[1:])


@pytest.mark.parametrize("account", ["~", ACCOUNT_ID])
def test_account_and_extension_list_match_the_spec(admin: httpx.Client, account: str) -> None:
    body = assert_matches_spec(admin.get(f"/account/{account}"), ACCOUNT_SPEC)
    assert body["uri"].endswith(f"/restapi/v1.0/account/{ACCOUNT_ID}")
    listed = admin.get(f"/account/{account}/extension", params={"perPage": "1"})
    assert "/~" not in assert_matches_spec(listed, EXTENSIONS_SPEC)["uri"]


def test_version_info_matches_the_spec(shared_server: LiveServer) -> None:
    assert_matches_spec(httpx.get(f"{shared_server.base_url}/restapi"), "/restapi")
    assert_matches_spec(
        httpx.get(f"{shared_server.base_url}/restapi/v1.0"), "/restapi/{apiVersion}"
    )


def test_token_and_revoke_match_the_spec(shared_server: LiveServer) -> None:
    response = httpx.post(
        f"{shared_server.base_url}/restapi/oauth/token",
        auth=(CLIENT_ID, CLIENT_SECRET),
        data={"grant_type": "password", "username": "user@example.com", "password": PASSWORD},
    )
    body = assert_matches_spec(response, TOKEN_SPEC)
    revoked = httpx.post(
        f"{shared_server.base_url}/restapi/oauth/revoke",
        auth=(CLIENT_ID, CLIENT_SECRET),
        data={"token": body["access_token"]},
    )
    assert revoked.status_code == 200
    assert assert_matches_spec(revoked, REVOKE_SPEC) is None


@pytest.mark.parametrize(("account", "extension"), SPELLINGS, ids=SPELLING_IDS)
def test_every_write_matches_the_spec_whichever_way_the_extension_is_named(
    admin: httpx.Client, account: str, extension: str
) -> None:
    base = ext(extension, account)

    created = assert_matches_spec(
        admin.post(f"{base}/forwarding-number", json={"phoneNumber": fresh_number()}),
        NUMBERS_SPEC,
    )
    assert created["uri"].startswith(f"{admin.base_url.scheme}://") and CANONICAL in created["uri"]
    number = f"{base}/forwarding-number/{created['id']}"
    assert_matches_spec(admin.put(number, json={"label": "Spelled"}), NUMBER_SPEC)

    rule = assert_matches_spec(
        admin.post(
            f"{base}/answering-rule",
            json={
                "type": "Custom",
                "name": "Spelled",
                "callHandlingAction": "ForwardCalls",
                "calledNumbers": [{"phoneNumber": "+16505550101"}],
                "forwarding": {"rules": [{"forwardingNumbers": [{"id": created["id"]}]}]},
            },
        ),
        RULES_SPEC,
    )
    assert CANONICAL in rule["uri"]
    rule_path = f"{base}/answering-rule/{rule['id']}"
    assert_matches_spec(
        admin.put(rule_path, json={"forwarding": {"ringingMode": "Simultaneously"}}), RULE_SPEC
    )
    assert_matches_spec(
        admin.put(f"{base}/answering-rule/business-hours-rule", json={"enabled": True}), RULE_SPEC
    )
    hours = {"schedule": {"weeklyRanges": {"monday": [{"from": "09:00", "to": "18:00"}]}}}
    assert_matches_spec(admin.put(f"{base}/business-hours", json=hours), HOURS_SPEC)

    deleted_rule = admin.delete(rule_path)
    assert deleted_rule.status_code == 204
    assert assert_matches_spec(deleted_rule, RULE_SPEC) is None
    deleted = admin.delete(number)
    assert deleted.status_code == 204 and assert_matches_spec(deleted, NUMBER_SPEC) is None
    batch = [create_number(admin)["id"] for _ in range(2)]
    bulk = admin.request(
        "DELETE", f"{base}/forwarding-number", json={"records": [{"id": i} for i in batch]}
    )
    assert bulk.status_code == 204 and assert_matches_spec(bulk, NUMBERS_SPEC) is None


def test_a_custom_rule_of_every_action_matches_the_spec(admin: httpx.Client) -> None:
    bodies: list[dict[str, Any]] = [
        {"callHandlingAction": "ForwardCalls"},
        {
            "callHandlingAction": "UnconditionalForwarding",
            "unconditionalForwarding": {"phoneNumber": "+12125550111"},
        },
        {"callHandlingAction": "TakeMessagesOnly"},
        {"callHandlingAction": "PlayAnnouncementOnly"},
        {
            "callHandlingAction": "TransferToExtension",
            "transfer": {"extension": {"id": "22222223"}},
        },
        {
            "callHandlingAction": "ForwardCalls",
            "voicemail": {"enabled": False},
            "missedCall": {
                "actionType": "ConnectToExternalNumber",
                "externalNumber": {"phoneNumber": "+12125550112"},
            },
            "screening": "Always",
        },
    ]
    for body in bodies:
        rule = create_custom_rule(admin, **body)
        response = admin.get(f"/account/~/extension/~/answering-rule/{rule['id']}")
        assert assert_matches_spec(response, RULE_SPEC) == rule
