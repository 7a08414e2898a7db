"""Every id a rule holds must name something of the rule's own account, else a 400."""

from __future__ import annotations

import httpx

from tests.support.rest import ACCOUNT_ID, ADMIN_EXT, OTHER_EXT, USER_EXT, rules_path
from tests.support.spec import assert_ringcentral_error

RULE = f"{rules_path()}/after-hours-rule"


def test_a_voicemail_recipient_of_another_account_is_refused_and_not_stored(
    admin: httpx.Client,
) -> None:
    before = admin.get(RULE).json()["voicemail"]
    response = admin.put(RULE, json={"voicemail": {"recipient": {"id": OTHER_EXT}}})
    assert_ringcentral_error(response, 400, "voicemail.recipient.id")
    assert admin.get(RULE).json()["voicemail"] == before


def test_a_voicemail_recipient_that_is_no_extension_is_refused(admin: httpx.Client) -> None:
    response = admin.put(RULE, json={"voicemail": {"recipient": {"id": "no-such-extension"}}})
    assert_ringcentral_error(response, 400, "voicemail.recipient.id")


def test_a_colleague_of_the_same_account_can_take_the_voicemail(admin: httpx.Client) -> None:
    response = admin.put(RULE, json={"voicemail": {"recipient": {"id": USER_EXT}}})
    assert response.status_code == 200, response.text
    recipient = response.json()["voicemail"]["recipient"]
    assert recipient["id"] == USER_EXT
    assert f"/account/{ACCOUNT_ID}/extension/{USER_EXT}" in recipient["uri"]
    admin.put(RULE, json={"voicemail": {"recipient": {"id": ADMIN_EXT}}})


def test_a_custom_greeting_id_the_extension_does_not_have_is_refused(
    admin: httpx.Client,
) -> None:
    greeting = {"type": "Voicemail", "custom": {"id": "123456"}}
    response = admin.put(RULE, json={"greetings": [greeting]})
    assert_ringcentral_error(response, 400, "greetings[0].custom.id")
    assert admin.get(RULE).json().get("greetings", []) == []


def test_a_preset_greeting_is_kept(admin: httpx.Client) -> None:
    greeting = {"type": "Voicemail", "preset": {"id": "65536"}}
    response = admin.put(RULE, json={"greetings": [greeting]})
    assert response.status_code == 200, response.text
    assert response.json()["greetings"] == [greeting]
    admin.put(RULE, json={"greetings": []})


def test_a_transfer_or_missed_call_target_of_another_account_is_refused(
    admin: httpx.Client,
) -> None:
    transfer = {
        "callHandlingAction": "TransferToExtension",
        "transfer": {"extension": {"id": OTHER_EXT}},
    }
    assert_ringcentral_error(admin.put(RULE, json=transfer), 400, "transfer.extension.id")
    missed = {
        "callHandlingAction": "ForwardCalls",
        "missedCall": {"actionType": "ConnectToExtension", "extension": {"id": OTHER_EXT}},
    }
    assert_ringcentral_error(admin.put(RULE, json=missed), 400, "missedCall.extension.id")


def test_caller_called_and_forwarding_numbers_must_be_phone_numbers(
    admin: httpx.Client,
) -> None:
    custom = {"type": "Custom", "name": "Refs", "callHandlingAction": "TakeMessagesOnly"}
    callers = {**custom, "callers": [{"callerId": OTHER_EXT + "x"}]}
    assert_ringcentral_error(admin.post(rules_path(), json=callers), 400, "callers[0].callerId")
    called = {**custom, "calledNumbers": [{"phoneNumber": "extension-1"}]}
    assert_ringcentral_error(
        admin.post(rules_path(), json=called), 400, "calledNumbers[0].phoneNumber"
    )
    unconditional = {
        "callHandlingAction": "UnconditionalForwarding",
        "unconditionalForwarding": {"phoneNumber": "not-a-number"},
    }
    assert_ringcentral_error(
        admin.put(RULE, json=unconditional), 400, "unconditionalForwarding.phoneNumber"
    )
