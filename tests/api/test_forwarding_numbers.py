"""Forwarding numbers: CRUD, bulk delete, every validation of the behaviour page, rule cascade."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support.rest import (
    ADMIN_DIRECT_NUMBER,
    DEMO_NUMBER_ID,
    MAIN_NUMBER,
    NUMBER_SPEC,
    NUMBERS_SPEC,
    RULE_SPEC,
    USER_DIRECT_NUMBER,
    assert_refused,
    create_custom_rule,
    create_number,
    fresh_number,
    get_json,
    group_ids,
    numbers_path,
    put_groups,
    read_rule,
    unchanged,
)
from tests.support.servers import LiveServer
from tests.support.spec import assert_matches_spec

NUMBERS = numbers_path()


def inactive_entries(rule: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Inactive entries of a rule read with showInactiveNumbers, by forwarding-number id."""
    return {
        entry["forwardingNumbers"][0]["id"]: entry
        for entry in rule["forwarding"]["rules"]
        if entry.get("enabled") is False
    }


# --- the whole life of a forwarding number, on both backends ---------------------------


def test_forwarding_number_lifecycle_matches_the_spec_at_every_step(
    live_server: LiveServer,
) -> None:
    with live_server.client() as admin:
        created = assert_matches_spec(
            admin.post(NUMBERS, json={"phoneNumber": "+12125550100", "label": "Work"}),
            NUMBERS_SPEC,
        )
        assert created["id"] == "44444444", "the demo's next id, so the seed's PUT works"
        assert created["phoneNumber"] == "+12125550100" and created["label"] == "Work"
        assert created["uri"].endswith(
            "/restapi/v1.0/account/11111111/extension/22222222/forwarding-number/44444444"
        )
        one = f"{NUMBERS}/{created['id']}"
        listed = assert_matches_spec(admin.get(NUMBERS), NUMBERS_SPEC)
        assert [n["id"] for n in listed["records"]] == [DEMO_NUMBER_ID, created["id"]]
        assert assert_matches_spec(admin.get(one), NUMBER_SPEC) == created

        updated = assert_matches_spec(
            admin.put(one, json={"label": "Office", "phoneNumber": "(212) 555-0199"}),
            NUMBER_SPEC,
        )
        assert updated["label"] == "Office" and updated["phoneNumber"] == "+12125550199"
        assert admin.get(one).json() == updated

        deleted = admin.delete(one)
        assert deleted.status_code == 204 and deleted.content == b""
        assert_refused(admin.get(one), 404, "forwardingNumberId", spec_path=NUMBER_SPEC)

        batch = [create_number(admin)["id"] for _ in range(2)]
        bulk = admin.request("DELETE", NUMBERS, json={"records": [{"id": i} for i in batch]})
        assert bulk.status_code == 204
        remaining = assert_matches_spec(admin.get(NUMBERS), NUMBERS_SPEC)
        assert [n["id"] for n in remaining["records"]] == [DEMO_NUMBER_ID]


# --- phone numbers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone",
    ["+1650555", "12345", "not a number", "+1 000 000 0000", "+99912345678", "", "   "],
)
def test_an_impossible_or_invalid_number_is_400_naming_phone_number(
    admin: httpx.Client, phone: str
) -> None:
    with unchanged(admin):
        response = admin.post(NUMBERS, json={"phoneNumber": phone, "label": "x"})
    assert_refused(response, 400, "phoneNumber", spec_path=NUMBERS_SPEC)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("(808) 555-0150", "+18085550150"),
        ("808.555.0151", "+18085550151"),
        ("808 555 0152", "+18085550152"),
        ("1-808-555-0153", "+18085550153"),
        ("+1 (808) 555-0154", "+18085550154"),
        ("8085550155", "+18085550155"),
        # Fullwidth digits, as some input methods type them.
        ("\uff18\uff10\uff18 \uff15\uff15\uff15 \uff10\uff11\uff15\uff16", "+18085550156"),
    ],
)
def test_national_formats_are_normalised_to_e164_in_the_account_country(
    admin: httpx.Client, written: str, expected: str
) -> None:
    # 808 is not among fresh_number's area codes, so these literals collide with nothing.
    created = create_number(admin, phoneNumber=written)
    assert created["phoneNumber"] == expected
    assert get_json(admin, f"{NUMBERS}/{created['id']}")["phoneNumber"] == expected


@pytest.mark.parametrize(
    "label",
    ["Büro ☎", "携帯電話", "הטלפון שלי", "📱 on-call 🚑", "e\u0301te\u0301", "Ω≈ç√∫"],
)
def test_unicode_labels_round_trip_unchanged(admin: httpx.Client, label: str) -> None:
    created = create_number(admin, label=label)
    assert created["label"] == label
    assert get_json(admin, f"{NUMBERS}/{created['id']}")["label"] == label
    listed = get_json(admin, NUMBERS, perPage=1000)["records"]
    assert {n["id"]: n["label"] for n in listed}[created["id"]] == label


def test_type_defaults_to_other_and_keeps_the_label(admin: httpx.Client) -> None:
    created = create_number(admin, label="My desk")
    assert created["type"] == "Other" and created["label"] == "My desk"


@pytest.mark.parametrize("number_type", ["Home", "Mobile", "Work", "Outage", "BusinessMobilePhone"])
def test_label_is_the_type_name_for_every_type_but_other(
    admin: httpx.Client, number_type: str
) -> None:
    created = create_number(admin, type=number_type, label="ignored")
    assert created["type"] == number_type and created["label"] == number_type
    relabelled = admin.put(f"{NUMBERS}/{created['id']}", json={"label": "still ignored"})
    assert assert_matches_spec(relabelled, NUMBER_SPEC)["label"] == number_type


def test_phone_line_takes_a_device_id_and_no_phone_number(admin: httpx.Client) -> None:
    response = admin.post(NUMBERS, json={"type": "PhoneLine", "device": {"id": "800123"}})
    created = assert_matches_spec(response, NUMBERS_SPEC)
    assert created["type"] == "PhoneLine" and created["device"] == {"id": "800123"}
    assert "phoneNumber" not in created


def test_phone_line_without_device_id_is_400(admin: httpx.Client) -> None:
    with unchanged(admin):
        response = admin.post(NUMBERS, json={"type": "PhoneLine", "label": "desk"})
    assert_refused(response, 400, "device.id", spec_path=NUMBERS_SPEC)


def test_phone_line_with_a_phone_number_is_400(admin: httpx.Client) -> None:
    body = {"type": "PhoneLine", "device": {"id": "1"}, "phoneNumber": fresh_number()}
    with unchanged(admin):
        response = admin.post(NUMBERS, json=body)
    assert_refused(response, 400, "phoneNumber", spec_path=NUMBERS_SPEC)


def test_device_with_a_phone_number_is_400(admin: httpx.Client) -> None:
    body = {"phoneNumber": fresh_number(), "device": {"id": "1"}}
    with unchanged(admin):
        response = admin.post(NUMBERS, json=body)
    assert_refused(response, 400, "device", spec_path=NUMBERS_SPEC)


@pytest.mark.parametrize("spelling", ["e164", "national"])
def test_the_same_number_twice_on_one_extension_is_409(admin: httpx.Client, spelling: str) -> None:
    first = create_number(admin)["phoneNumber"]
    again = first if spelling == "e164" else f"({first[2:5]}) {first[5:8]}-{first[8:]}"
    with unchanged(admin):
        response = admin.post(NUMBERS, json={"phoneNumber": again})
    assert_refused(response, 409, "phoneNumber", spec_path=NUMBERS_SPEC)


def test_the_same_number_on_two_extensions_is_allowed(
    admin: httpx.Client, user: httpx.Client
) -> None:
    phone = create_number(admin)["phoneNumber"]
    assert create_number(user, phoneNumber=phone)["phoneNumber"] == phone


@pytest.mark.parametrize(
    "phone", [ADMIN_DIRECT_NUMBER, USER_DIRECT_NUMBER, MAIN_NUMBER, "(650) 555-0102"]
)
@pytest.mark.parametrize("who", ["admin", "user"])
def test_a_direct_number_of_the_account_is_400(
    admin: httpx.Client, user: httpx.Client, phone: str, who: str
) -> None:
    client = admin if who == "admin" else user
    with unchanged(client):
        response = client.post(NUMBERS, json={"phoneNumber": phone, "label": "mine"})
    assert_refused(response, 400, "phoneNumber", spec_path=NUMBERS_SPEC)


def test_features_and_flip_number_is_the_next_free_digit(user: httpx.Client) -> None:
    flips = {int(n["flipNumber"]) for n in get_json(user, NUMBERS, perPage=1000)["records"]}
    expected = min(d for d in range(1, 10) if d not in flips)
    created = create_number(user)
    assert created["features"] == ["CallFlip", "CallForwarding"]
    assert created["flipNumber"] == str(expected)
    following = create_number(user)
    taken = flips | {expected}
    assert int(following["flipNumber"]) == min(d for d in range(1, 10) if d not in taken)
    assert user.delete(f"{NUMBERS}/{created['id']}").status_code == 204
    assert create_number(user)["flipNumber"] == str(expected), "a freed digit is reused"


# --- updates ---------------------------------------------------------------------------


def test_put_changes_only_the_fields_given(admin: httpx.Client) -> None:
    created = create_number(admin, label="Before")
    updated = assert_matches_spec(
        admin.put(f"{NUMBERS}/{created['id']}", json={"label": "After"}), NUMBER_SPEC
    )
    assert updated == {**created, "label": "After"}


@pytest.mark.parametrize(
    ("body", "status", "parameter"),
    [
        ({"phoneNumber": "+1650555"}, 400, "phoneNumber"),
        ({"phoneNumber": ADMIN_DIRECT_NUMBER}, 400, "phoneNumber"),
        ({"phoneNumber": "+16505550100"}, 409, "phoneNumber"),
        ({"type": "PhoneLine"}, 400, "type"),
        ({"type": "Bogus"}, 400, "type"),
        ({"label": 12}, 400, "label"),
    ],
)
def test_refused_updates_leave_the_number_unchanged(
    admin: httpx.Client, body: dict[str, Any], status: int, parameter: str
) -> None:
    created = create_number(admin)
    with unchanged(admin):
        response = admin.put(f"{NUMBERS}/{created['id']}", json=body)
    assert_refused(response, status, parameter, spec_path=NUMBER_SPEC)


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_an_unknown_forwarding_number_is_404(admin: httpx.Client, method: str) -> None:
    with unchanged(admin):
        response = admin.request(method, f"{NUMBERS}/12345", json={"label": "x"})
    assert_refused(response, 404, "forwardingNumberId", spec_path=NUMBER_SPEC)


# --- numbers and rules -----------------------------------------------------------------


def test_a_new_number_joins_every_forward_calls_rule_as_inactive(admin: httpx.Client) -> None:
    custom = create_custom_rule(admin)
    created = create_number(admin)
    for rule_id in ("business-hours-rule", custom["id"]):
        active = read_rule(admin, rule_id)
        ringing = {number_id for group in group_ids(active) for number_id in group}
        assert created["id"] not in ringing, "it does not ring yet"
        shown = assert_matches_spec(
            admin.get(f"/account/~/extension/~/answering-rule/{rule_id}?showInactiveNumbers=true"),
            RULE_SPEC,
        )
        entry = inactive_entries(shown)[created["id"]]
        assert entry["enabled"] is False and entry["ringCount"] == 4 and "index" not in entry
        assert entry["forwardingNumbers"] == [
            {k: created[k] for k in ("id", "uri", "label", "type", "phoneNumber")}
        ]


def test_deleting_a_number_removes_it_from_every_rule_and_closes_up_indexes(
    admin: httpx.Client,
) -> None:
    first, doomed, last = (create_number(admin)["id"] for _ in range(3))
    groups = [
        {"ringCount": 2, "forwardingNumbers": [{"id": first}]},
        {"ringCount": 3, "forwardingNumbers": [{"id": doomed}]},
        {"ringCount": 5, "forwardingNumbers": [{"id": last}, {"id": DEMO_NUMBER_ID}]},
    ]
    custom = create_custom_rule(admin)["id"]
    for rule_id in ("business-hours-rule", custom):
        assert put_groups(admin, rule_id, groups).status_code == 200
    assert admin.delete(f"{NUMBERS}/{doomed}").status_code == 204
    for rule_id in ("business-hours-rule", custom):
        rule = read_rule(admin, rule_id, inactive=True)
        active = [g for g in rule["forwarding"]["rules"] if g.get("enabled")]
        assert [(g["index"], g["ringCount"]) for g in active] == [(1, 2), (2, 5)]
        assert group_ids(rule) == [[first], [last, DEMO_NUMBER_ID]]
        assert doomed not in inactive_entries(rule)


def test_deleting_the_last_number_of_a_group_keeps_the_others_in_order(
    admin: httpx.Client,
) -> None:
    lone, a, b = (create_number(admin)["id"] for _ in range(3))
    groups = [
        {"forwardingNumbers": [{"id": lone}]},
        {"ringCount": 7, "forwardingNumbers": [{"id": a}, {"id": b}]},
    ]
    assert put_groups(admin, "business-hours-rule", groups).status_code == 200
    assert admin.delete(f"{NUMBERS}/{a}").status_code == 204
    rule = read_rule(admin, "business-hours-rule")
    assert group_ids(rule) == [[lone], [b]]
    assert [g["index"] for g in rule["forwarding"]["rules"]] == [1, 2]


# --- bulk delete -----------------------------------------------------------------------


@pytest.mark.parametrize("key", ["id", "forwardingNumberId"])
def test_bulk_delete_removes_every_listed_number_and_takes_them_out_of_rules(
    admin: httpx.Client, key: str
) -> None:
    kept, gone_a, gone_b = (create_number(admin)["id"] for _ in range(3))
    groups = [
        {"forwardingNumbers": [{"id": gone_a}]},
        {"forwardingNumbers": [{"id": kept}, {"id": gone_b}]},
    ]
    assert put_groups(admin, "business-hours-rule", groups).status_code == 200
    body = {"records": [{key: gone_a}, {key: gone_b}]}
    response = admin.request("DELETE", NUMBERS, json=body)
    assert response.status_code == 204, response.text
    ids = {n["id"] for n in get_json(admin, NUMBERS, perPage=1000)["records"]}
    assert kept in ids and not {gone_a, gone_b} & ids
    rule = read_rule(admin, "business-hours-rule")
    assert group_ids(rule) == [[kept]] and rule["forwarding"]["rules"][0]["index"] == 1


def test_bulk_delete_with_one_unknown_id_deletes_nothing(admin: httpx.Client) -> None:
    real = create_number(admin)["id"]
    with unchanged(admin):
        body = {"records": [{"id": real}, {"id": "12345"}]}
        response = admin.request("DELETE", NUMBERS, json=body)
    assert_refused(response, 404, "records[1].id", spec_path=NUMBERS_SPEC)


@pytest.mark.parametrize(
    ("body", "parameter"),
    [
        ({}, "records"),
        ({"records": []}, "records"),
        ({"records": [{}]}, "records[0].id"),
        ({"records": [{"id": DEMO_NUMBER_ID}, {"id": DEMO_NUMBER_ID}]}, "records[1].id"),
        ({"records": "all"}, "records"),
    ],
)
def test_bulk_delete_with_a_bad_body_is_400(
    admin: httpx.Client, body: dict[str, Any], parameter: str
) -> None:
    with unchanged(admin):
        response = admin.request("DELETE", NUMBERS, json=body)
    assert_refused(response, 400, parameter)


# --- list paging -----------------------------------------------------------------------


def test_the_list_pages_with_page_and_per_page(user: httpx.Client) -> None:
    for _ in range(3):
        create_number(user)
    everything = get_json(user, NUMBERS, perPage=1000)["records"]
    total = len(everything)
    seen: list[dict[str, Any]] = []
    page = assert_matches_spec(user.get(NUMBERS, params={"perPage": 2}), NUMBERS_SPEC)
    pages = 1
    while True:
        paging = page["paging"]
        assert paging["perPage"] == 2 and paging["totalElements"] == total
        assert paging["totalPages"] == -(-total // 2) and paging["page"] == pages
        assert paging["pageStart"] == (pages - 1) * 2
        assert paging["pageEnd"] == paging["pageStart"] + len(page["records"]) - 1
        seen += page["records"]
        if "nextPage" not in page["navigation"]:
            break
        # The navigation links are absolute and canonical: follow one as a client would.
        link = page["navigation"]["nextPage"]["uri"]
        assert "/account/11111111/extension/22222223/forwarding-number?" in link
        page = assert_matches_spec(user.get(link), NUMBERS_SPEC)
        pages += 1
    assert seen == everything and pages == page["paging"]["totalPages"]


def test_a_page_past_the_end_is_empty(user: httpx.Client) -> None:
    page = assert_matches_spec(user.get(NUMBERS, params={"page": 500}), NUMBERS_SPEC)
    assert page["records"] == [] and page["paging"]["page"] == 500


@pytest.mark.parametrize(("name", "value"), [("page", "0"), ("perPage", "-1"), ("page", "x")])
def test_bad_paging_parameters_are_400(user: httpx.Client, name: str, value: str) -> None:
    assert_refused(user.get(NUMBERS, params={name: value}), 400, name, spec_path=NUMBERS_SPEC)
