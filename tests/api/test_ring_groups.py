"""The forwarding list of a rule: ring groups, ordering, inactive numbers and every PUT refusal."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support.rest import (
    RULE_SPEC,
    assert_refused,
    create_custom_rule,
    create_number,
    group_ids,
    put_groups,
    read_rule,
    rules_path,
    unchanged,
)
from tests.support.servers import LiveServer
from tests.support.spec import assert_matches_spec

RULE = "business-hours-rule"


def ids(count: int, client: httpx.Client) -> list[str]:
    return [create_number(client)["id"] for _ in range(count)]


def entry(*number_ids: str, **fields: Any) -> dict[str, Any]:
    return {**fields, "forwardingNumbers": [{"id": n} for n in number_ids]}


def layout(rule: dict[str, Any]) -> list[tuple[int, int, list[str]]]:
    """(index, ringCount, ids) of each active group."""
    return [
        (g["index"], g["ringCount"], [n["id"] for n in g["forwardingNumbers"]])
        for g in rule["forwarding"]["rules"]
        if g.get("enabled", True)
    ]


# --- the seed's group and its read-back, on both backends ------------------------------


def test_two_numbers_in_one_entry_are_one_ring_group_on_both_backends(
    live_server: LiveServer,
) -> None:
    with live_server.client() as admin:
        work = create_number(admin, phoneNumber="+12125550100", label="Work")["id"]
        response = put_groups(admin, RULE, [entry("33333333", work, index=1, ringCount=3)])
        updated = assert_matches_spec(response, RULE_SPEC)
        assert layout(updated) == [(1, 3, ["33333333", work])]
        again = assert_matches_spec(admin.get(f"{rules_path()}/{RULE}"), RULE_SPEC)
        assert again == updated
        numbers = again["forwarding"]["rules"][0]["forwardingNumbers"]
        assert [(n["phoneNumber"], n["label"]) for n in numbers] == [
            ("+16505550100", "My Phone3"),
            ("+12125550100", "Work"),
        ]


# --- building the list -----------------------------------------------------------------


def test_rules_are_ordered_by_index_and_renumbered_from_one(admin: httpx.Client) -> None:
    a, b, c = ids(3, admin)
    groups = [entry(a, index=30), entry(b, index=10), entry(c, index=20)]
    updated = assert_matches_spec(put_groups(admin, RULE, groups), RULE_SPEC)
    assert layout(updated) == [(1, 4, [b]), (2, 4, [c]), (3, 4, [a])]


def test_entries_without_index_keep_their_array_order(admin: httpx.Client) -> None:
    a, b, c = ids(3, admin)
    updated = assert_matches_spec(
        put_groups(admin, RULE, [entry(c), entry(a), entry(b)]), RULE_SPEC
    )
    assert layout(updated) == [(1, 4, [c]), (2, 4, [a]), (3, 4, [b])]


def test_an_entry_without_index_takes_its_array_position_among_indexed_ones(
    admin: httpx.Client,
) -> None:
    # Documented choice: a missing index counts as the entry's 1-based array position.
    a, b, c = ids(3, admin)
    groups = [entry(a, index=5), entry(b), entry(c, index=1)]
    updated = assert_matches_spec(put_groups(admin, RULE, groups), RULE_SPEC)
    assert layout(updated) == [(1, 4, [c]), (2, 4, [b]), (3, 4, [a])]


def test_ring_count_defaults_to_four(admin: httpx.Client) -> None:
    a, b = ids(2, admin)
    updated = put_groups(admin, RULE, [entry(a), entry(b, ringCount=9)]).json()
    assert [g["ringCount"] for g in updated["forwarding"]["rules"]] == [4, 9]


def test_numbers_can_be_named_by_phone_number_in_any_format(admin: httpx.Client) -> None:
    number = create_number(admin)
    phone = number["phoneNumber"]
    national = f"({phone[2:5]}) {phone[5:8]}-{phone[8:]}"
    groups = [{"forwardingNumbers": [{"phoneNumber": national}, {"id": "33333333"}]}]
    updated = assert_matches_spec(put_groups(admin, RULE, groups), RULE_SPEC)
    assert group_ids(updated) == [[number["id"], "33333333"]]


def test_numbers_left_out_become_inactive(admin: httpx.Client) -> None:
    a, b, c = ids(3, admin)
    assert put_groups(admin, RULE, [entry(a, b), entry(c)]).status_code == 200
    assert put_groups(admin, RULE, [entry(b)]).status_code == 200
    rule = read_rule(admin, RULE, inactive=True)
    assert layout(rule) == [(1, 4, [b])]
    inactive = [g for g in rule["forwarding"]["rules"] if g["enabled"] is False]
    inactive_ids = [g["forwardingNumbers"][0]["id"] for g in inactive]
    assert a in inactive_ids and c in inactive_ids and b not in inactive_ids
    for group in inactive:
        assert group["ringCount"] == 4 and "index" not in group
        assert len(group["forwardingNumbers"]) == 1


def test_an_empty_list_makes_every_number_inactive(admin: httpx.Client) -> None:
    (a,) = ids(1, admin)
    assert put_groups(admin, RULE, [entry(a)]).status_code == 200
    emptied = assert_matches_spec(put_groups(admin, RULE, []), RULE_SPEC)
    assert emptied["forwarding"]["rules"] == []


def test_the_active_list_alone_is_shown_without_show_inactive_numbers(
    admin: httpx.Client,
) -> None:
    a, b = ids(2, admin)
    assert put_groups(admin, RULE, [entry(a)]).status_code == 200
    rule = read_rule(admin, RULE)
    assert group_ids(rule) == [[a]]
    assert all("enabled" not in g for g in rule["forwarding"]["rules"])
    shown = read_rule(admin, RULE, inactive=True)
    assert shown["forwarding"]["rules"][0]["enabled"] is True
    assert b in [g["forwardingNumbers"][0]["id"] for g in shown["forwarding"]["rules"][1:]]


def test_putting_back_what_show_inactive_numbers_read_changes_nothing(
    admin: httpx.Client,
) -> None:
    a, b, c = ids(3, admin)
    assert put_groups(admin, RULE, [entry(a, b, ringCount=2)]).status_code == 200
    shown = read_rule(admin, RULE, inactive=True)
    with unchanged(admin):
        response = admin.put(f"{rules_path()}/{RULE}", json={"forwarding": shown["forwarding"]})
        assert response.status_code == 200, response.text
    assert c in [g["forwardingNumbers"][0]["id"] for g in shown["forwarding"]["rules"][1:]]


def test_a_put_can_ask_for_inactive_numbers_in_its_answer(admin: httpx.Client) -> None:
    a, left_out = ids(2, admin)
    body = {"showInactiveNumbers": True, "forwarding": {"rules": [entry(a)]}}
    answer = assert_matches_spec(admin.put(f"{rules_path()}/{RULE}", json=body), RULE_SPEC)
    assert answer == read_rule(admin, RULE, inactive=True)
    inactive = [g for g in answer["forwarding"]["rules"] if g["enabled"] is False]
    assert left_out in [g["forwardingNumbers"][0]["id"] for g in inactive]


def test_simultaneous_mode_keeps_the_groups(admin: httpx.Client) -> None:
    a, b = ids(2, admin)
    body = {"forwarding": {"ringingMode": "Simultaneously", "rules": [entry(a), entry(b)]}}
    updated = assert_matches_spec(admin.put(f"{rules_path()}/{RULE}", json=body), RULE_SPEC)
    assert updated["forwarding"]["ringingMode"] == "Simultaneously"
    assert group_ids(updated) == [[a], [b]]


def test_ten_numbers_make_one_group(admin: httpx.Client) -> None:
    ten = ids(10, admin)
    updated = assert_matches_spec(put_groups(admin, RULE, [entry(*ten)]), RULE_SPEC)
    assert group_ids(updated) == [ten]


def test_a_custom_rule_has_a_list_of_its_own(admin: httpx.Client) -> None:
    a, b = ids(2, admin)
    assert put_groups(admin, RULE, [entry(a)]).status_code == 200
    custom = create_custom_rule(admin, forwarding={"rules": [entry(b, a)]})
    assert group_ids(custom) == [[b, a]]
    assert group_ids(read_rule(admin, RULE)) == [[a]]


# --- refusals, each naming the parameter path ------------------------------------------

REFUSALS: list[tuple[str, Any, str]] = [
    ("unknown id", lambda n: [entry("12345")], "forwarding.rules[0].forwardingNumbers[0].id"),
    (
        "unknown phone number",
        lambda n: [{"forwardingNumbers": [{"phoneNumber": "+19995550100"}]}],
        "forwarding.rules[0].forwardingNumbers[0].phoneNumber",
    ),
    (
        "neither id nor phone number",
        lambda n: [{"forwardingNumbers": [{"label": "x"}]}],
        "forwarding.rules[0].forwardingNumbers[0].phoneNumber",
    ),
    (
        "another extension's number",
        lambda n: [entry("88880001")],
        "forwarding.rules[0].forwardingNumbers[0].id",
    ),
    (
        "number in two rules",
        lambda n: [entry(n[0]), entry(n[1], n[0])],
        "forwarding.rules[1].forwardingNumbers[1].id",
    ),
    (
        "number twice in one rule",
        lambda n: [entry(n[0], n[0])],
        "forwarding.rules[0].forwardingNumbers[1].id",
    ),
    (
        "the same number by id and by phone number",
        lambda n: [{"forwardingNumbers": [{"id": n[0]}, {"phoneNumber": n[2]}]}],
        "forwarding.rules[0].forwardingNumbers[1].phoneNumber",
    ),
    ("empty forwardingNumbers", lambda n: [entry()], "forwarding.rules[0].forwardingNumbers"),
    (
        "missing forwardingNumbers",
        lambda n: [entry(n[0]), {"ringCount": 2}],
        "forwarding.rules[1].forwardingNumbers",
    ),
    ("ringCount 0", lambda n: [entry(n[0], ringCount=0)], "forwarding.rules[0].ringCount"),
    ("ringCount 16", lambda n: [entry(n[0], ringCount=16)], "forwarding.rules[0].ringCount"),
    (
        "ringCount as text",
        lambda n: [entry(n[0], ringCount="3")],
        "forwarding.rules[0].ringCount",
    ),
    (
        "duplicate index",
        lambda n: [entry(n[0], index=1), entry(n[1], index=1)],
        "forwarding.rules[1].index",
    ),
    (
        "11 numbers in a group",
        lambda n: [entry(*n[3:14])],
        "forwarding.rules[0].forwardingNumbers",
    ),
]


@pytest.fixture(scope="module")
def spare(admin: httpx.Client) -> list[str]:
    """Fourteen numbers of the admin for the refusals; item 2 is number 0's phone number."""
    made = [create_number(admin) for _ in range(14)]
    return [made[0]["id"], made[1]["id"], made[0]["phoneNumber"], *[m["id"] for m in made[3:]]]


@pytest.mark.parametrize(
    ("groups", "parameter"),
    [pytest.param(make, path, id=name) for name, make, path in REFUSALS],
)
@pytest.mark.parametrize("rule_id", [RULE, "custom"])
def test_a_bad_forwarding_list_is_400_naming_the_path_and_changes_nothing(
    admin: httpx.Client, spare: list[str], groups: Any, parameter: str, rule_id: str
) -> None:
    if rule_id == "custom":
        rule_id = create_custom_rule(admin, forwarding={"rules": [entry(spare[1])]})["id"]
    else:
        assert put_groups(admin, rule_id, [entry(spare[1], ringCount=2)]).status_code == 200
    with unchanged(admin):
        response = put_groups(admin, rule_id, groups(spare))
    assert_refused(response, 400, parameter, spec_path=RULE_SPEC)


def test_one_refusal_names_every_bad_path(admin: httpx.Client, spare: list[str]) -> None:
    groups = [entry("12345", ringCount=0), entry(spare[0], spare[0], index=7), entry(index=7)]
    with unchanged(admin):
        response = put_groups(admin, RULE, groups)
    body = assert_refused(response, 400, spec_path=RULE_SPEC)
    named = {e["parameterName"] for e in body["errors"]}
    assert named >= {
        "forwarding.rules[0].forwardingNumbers[0].id",
        "forwarding.rules[0].ringCount",
        "forwarding.rules[1].forwardingNumbers[1].id",
        "forwarding.rules[2].index",
        "forwarding.rules[2].forwardingNumbers",
    }
