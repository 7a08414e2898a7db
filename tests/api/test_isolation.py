"""Who reaches what: a user only its own extension, an admin its account, nobody another account."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support.rest import (
    ACCOUNT_ID,
    ADMIN_EXT,
    DEMO_NUMBER_ID,
    EXTENSION_SPEC,
    HOURS_SPEC,
    NUMBER_SPEC,
    NUMBERS_SPEC,
    OTHER_ACCOUNT_ID,
    OTHER_EXT,
    OTHER_NUMBER_ID,
    RULE_SPEC,
    RULES_SPEC,
    USER_EXT,
    VIP_RULE_ID,
    assert_refused,
    create_custom_rule,
    create_number,
    ext,
    fresh_number,
    get_json,
    group_ids,
    hours_path,
    numbers_path,
    read_rule,
    rules_path,
    unchanged,
)
from tests.support.spec import assert_matches_spec

# Every operation of the issue on one extension: (name, method, path suffix, body).
OPERATIONS: list[tuple[str, str, str, dict[str, Any] | None]] = [
    ("read extension", "GET", "", None),
    ("list numbers", "GET", "/forwarding-number", None),
    ("read number", "GET", "/forwarding-number/{number}", None),
    ("create number", "POST", "/forwarding-number", {"phoneNumber": "+12125550198"}),
    ("update number", "PUT", "/forwarding-number/{number}", {"label": "Taken over"}),
    ("delete number", "DELETE", "/forwarding-number/{number}", None),
    ("bulk delete", "DELETE", "/forwarding-number", {"records": [{"id": "{number}"}]}),
    ("list rules", "GET", "/answering-rule", None),
    ("read rule", "GET", "/answering-rule/business-hours-rule", None),
    (
        "create rule",
        "POST",
        "/answering-rule",
        {
            "type": "Custom",
            "name": "Intruder",
            "callHandlingAction": "TakeMessagesOnly",
            "callers": [{"callerId": "+14155550100"}],
        },
    ),
    ("update rule", "PUT", "/answering-rule/business-hours-rule", {"enabled": False}),
    ("update custom rule", "PUT", "/answering-rule/{rule}", {"name": "Taken over"}),
    ("delete rule", "DELETE", "/answering-rule/{rule}", None),
    ("read hours", "GET", "/business-hours", None),
    ("update hours", "PUT", "/business-hours", {"schedule": {"weeklyRanges": {}}}),
]
OPERATION_IDS = [name for name, *_ in OPERATIONS]


def spec_of(operation: tuple[str, str, str, dict[str, Any] | None]) -> str:
    """The spec's path template of an operation, for checking its error bodies."""
    suffix = operation[2]
    if suffix.startswith("/forwarding-number/"):
        return NUMBER_SPEC
    if suffix.startswith("/answering-rule/"):
        return RULE_SPEC
    templates = {
        "": EXTENSION_SPEC,
        "/forwarding-number": NUMBERS_SPEC,
        "/answering-rule": RULES_SPEC,
        "/business-hours": HOURS_SPEC,
    }
    return templates[suffix]


def fill(value: Any, number: str, rule: str) -> Any:
    """Put the target's ids into a path or a body."""
    if isinstance(value, str):
        return value.replace("{number}", number).replace("{rule}", rule)
    if isinstance(value, dict):
        return {k: fill(v, number, rule) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, number, rule) for v in value]
    return value


def call(
    client: httpx.Client,
    operation: tuple[str, str, str, dict[str, Any] | None],
    extension_path: str,
    number: str,
    rule: str,
) -> httpx.Response:
    _, method, suffix, body = operation
    path = extension_path + fill(suffix, number, rule)
    if body is None:
        return client.request(method, path)
    return client.request(method, path, json=fill(body, number, rule))


# --- a user and its own extension ------------------------------------------------------


@pytest.mark.parametrize("extension", ["~", USER_EXT])
def test_a_user_reads_and_edits_its_own_extension(user: httpx.Client, extension: str) -> None:
    number = create_number(user, extension)
    assert get_json(user, f"{numbers_path(extension)}/{number['id']}") == number
    groups = [{"forwardingNumbers": [{"id": number["id"]}]}]
    rule = f"{rules_path(extension)}/business-hours-rule"
    updated = assert_matches_spec(user.put(rule, json={"forwarding": {"rules": groups}}), RULE_SPEC)
    assert group_ids(updated) == [[number["id"]]]
    custom = create_custom_rule(user, extension)
    assert user.delete(f"{rules_path(extension)}/{custom['id']}").status_code == 204
    hours = {"schedule": {"weeklyRanges": {"monday": [{"from": "10:00", "to": "16:00"}]}}}
    assert_matches_spec(user.put(hours_path(extension), json=hours), HOURS_SPEC)
    assert user.delete(f"{numbers_path(extension)}/{number['id']}").status_code == 204


@pytest.mark.parametrize("operation", OPERATIONS, ids=OPERATION_IDS)
@pytest.mark.parametrize("account", ["~", ACCOUNT_ID])
def test_a_user_gets_403_for_a_colleagues_extension_and_changes_nothing(
    admin: httpx.Client,
    user: httpx.Client,
    operation: tuple[str, str, str, dict[str, Any] | None],
    account: str,
) -> None:
    with unchanged(admin, ADMIN_EXT):
        response = call(user, operation, ext(ADMIN_EXT, account), DEMO_NUMBER_ID, VIP_RULE_ID)
    assert_refused(response, 403, "extensionId", spec_path=spec_of(operation))


def test_a_user_lists_only_its_own_extension(user: httpx.Client) -> None:
    listed = get_json(user, "/account/~/extension")["records"]
    assert [e["id"] for e in listed] == [int(USER_EXT)]


# --- an admin and its account ----------------------------------------------------------


def test_an_admin_reads_and_edits_a_users_extension(
    admin: httpx.Client, user: httpx.Client
) -> None:
    number = create_number(admin, USER_EXT, label="Set by admin")
    assert get_json(user, f"{numbers_path()}/{number['id']}") == number
    rule = f"{rules_path(USER_EXT)}/business-hours-rule"
    groups = [{"ringCount": 6, "forwardingNumbers": [{"id": number["id"]}]}]
    assert admin.put(rule, json={"forwarding": {"rules": groups}}).status_code == 200
    assert read_rule(user, "business-hours-rule") == read_rule(
        admin, "business-hours-rule", USER_EXT
    )
    assert group_ids(read_rule(user, "business-hours-rule")) == [[number["id"]]]
    hours = {"schedule": {"weeklyRanges": {"sunday": [{"from": "11:00", "to": "12:00"}]}}}
    assert admin.put(hours_path(USER_EXT), json=hours).status_code == 200
    assert get_json(user, hours_path())["schedule"] == hours["schedule"]
    custom = create_custom_rule(admin, USER_EXT)
    assert get_json(user, f"{rules_path()}/{custom['id']}") == custom
    assert admin.delete(f"{rules_path(USER_EXT)}/{custom['id']}").status_code == 204
    assert admin.delete(f"{numbers_path(USER_EXT)}/{number['id']}").status_code == 204
    assert number["id"] not in {n["id"] for n in get_json(user, numbers_path())["records"]}


def test_a_number_id_of_another_extension_is_404_in_this_one(admin: httpx.Client) -> None:
    user_number = create_number(admin, USER_EXT)["id"]
    with unchanged(admin, USER_EXT), unchanged(admin):
        for method in ("GET", "PUT", "DELETE"):
            response = admin.request(method, f"{numbers_path()}/{user_number}", json={"label": "x"})
            assert_refused(response, 404, "forwardingNumberId")
        groups = [{"forwardingNumbers": [{"id": user_number}]}]
        response = admin.put(
            f"{rules_path()}/business-hours-rule", json={"forwarding": {"rules": groups}}
        )
        assert_refused(response, 400, "forwarding.rules[0].forwardingNumbers[0].id")


# --- nobody reaches another account ----------------------------------------------------


def foreign_and_missing_paths(
    own_account: str, foreign_account: str, foreign_extension: str
) -> list[tuple[str, str]]:
    """Pairs (a path into the other account, the same path with a missing id instead)."""
    return [
        (ext(foreign_extension, foreign_account), ext(foreign_extension, "12345678")),
        (ext(foreign_extension, "~"), ext("12345678", "~")),
        (ext(foreign_extension, own_account), ext("12345678", own_account)),
    ]


@pytest.mark.parametrize("operation", OPERATIONS, ids=OPERATION_IDS)
def test_another_account_answers_404_exactly_like_a_missing_one(
    admin: httpx.Client,
    other: httpx.Client,
    operation: tuple[str, str, str, dict[str, Any] | None],
) -> None:
    pairs = foreign_and_missing_paths(OTHER_ACCOUNT_ID, ACCOUNT_ID, ADMIN_EXT)
    with unchanged(admin, ADMIN_EXT):
        for foreign, missing in pairs:
            refused = call(other, operation, foreign, DEMO_NUMBER_ID, VIP_RULE_ID)
            absent = call(other, operation, missing, DEMO_NUMBER_ID, VIP_RULE_ID)
            assert_refused(refused, 404, spec_path=spec_of(operation))
            assert (refused.status_code, refused.json()) == (absent.status_code, absent.json())


@pytest.mark.parametrize("operation", OPERATIONS, ids=OPERATION_IDS)
def test_and_the_other_way_round(
    admin: httpx.Client,
    other: httpx.Client,
    operation: tuple[str, str, str, dict[str, Any] | None],
) -> None:
    pairs = foreign_and_missing_paths(ACCOUNT_ID, OTHER_ACCOUNT_ID, OTHER_EXT)
    with unchanged(other):
        for foreign, missing in pairs:
            refused = call(admin, operation, foreign, OTHER_NUMBER_ID, "after-hours-rule")
            absent = call(admin, operation, missing, OTHER_NUMBER_ID, "after-hours-rule")
            assert_refused(refused, 404, spec_path=spec_of(operation))
            assert (refused.status_code, refused.json()) == (absent.status_code, absent.json())


@pytest.mark.parametrize(
    ("path_of", "spec_path"),
    [
        (lambda number, rule: f"{numbers_path()}/{number}", NUMBER_SPEC),
        (lambda number, rule: f"{rules_path()}/{rule}", RULE_SPEC),
    ],
    ids=["forwarding number", "custom rule"],
)
def test_a_foreign_resource_id_under_ones_own_extension_is_404_like_a_missing_one(
    admin: httpx.Client, other: httpx.Client, path_of: Any, spec_path: str
) -> None:
    foreign_rule = create_custom_rule(other)["id"]
    for client, number, rule in (
        (other, DEMO_NUMBER_ID, VIP_RULE_ID),
        (admin, OTHER_NUMBER_ID, foreign_rule),
    ):
        with unchanged(client):
            for method in ("GET", "PUT", "DELETE"):
                refused = client.request(method, path_of(number, rule), json={"name": "x"})
                absent = client.request(method, path_of("12345", "12345"), json={"name": "x"})
                assert_refused(refused, 404, spec_path=spec_path)
                assert refused.json() == absent.json()


def test_the_account_itself_is_404_for_outsiders(admin: httpx.Client, other: httpx.Client) -> None:
    for client, foreign in ((other, ACCOUNT_ID), (admin, OTHER_ACCOUNT_ID)):
        for suffix in ("", "/extension"):
            refused = client.get(f"/account/{foreign}{suffix}")
            absent = client.get(f"/account/12345678{suffix}")
            assert_refused(refused, 404, "accountId")
            assert refused.json() == absent.json()


def test_another_accounts_number_is_not_a_direct_number_here(other: httpx.Client) -> None:
    # The direct-number rule is per account: 11111111's numbers are plain numbers to 99999999.
    created = other.post(numbers_path(), json={"phoneNumber": "+16505550101", "label": "x"})
    assert assert_matches_spec(created, NUMBERS_SPEC)["phoneNumber"] == "+16505550101"


def test_transfer_to_another_accounts_extension_is_400(other: httpx.Client) -> None:
    body = {
        "callHandlingAction": "TransferToExtension",
        "transfer": {"extension": {"id": ADMIN_EXT}},
    }
    with unchanged(other):
        response = other.put(f"{rules_path()}/after-hours-rule", json=body)
    assert_refused(response, 400, "transfer.extension.id", spec_path=RULE_SPEC)


def test_a_fresh_number_is_free_in_both_accounts(admin: httpx.Client, other: httpx.Client) -> None:
    phone = fresh_number()
    assert create_number(admin, phoneNumber=phone)["phoneNumber"] == phone
    assert create_number(other, phoneNumber=phone)["phoneNumber"] == phone
