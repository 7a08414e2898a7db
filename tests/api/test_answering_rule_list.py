"""The answering-rule list: Simple and Detailed views, type filter, enabledOnly, paging."""

from __future__ import annotations

import httpx
import pytest

from tests.support.rest import (
    RULE_SPEC,
    RULES_SPEC,
    USER_EXT,
    assert_refused,
    create_custom_rule,
    get_json,
    read_rule,
    rules_path,
)
from tests.support.spec import assert_matches_spec

RULES = rules_path()
SUMMARY_KEYS = {"uri", "id", "type", "name", "enabled", "callHandlingAction"}


def test_the_list_defaults_to_the_simple_view(user: httpx.Client) -> None:
    listed = assert_matches_spec(user.get(RULES), RULES_SPEC)
    assert [r["id"] for r in listed["records"]][:2] == ["business-hours-rule", "after-hours-rule"]
    for record in listed["records"]:
        assert set(record) == SUMMARY_KEYS
    simple = assert_matches_spec(user.get(RULES, params={"view": "Simple"}), RULES_SPEC)
    assert simple["records"] == listed["records"]


def test_the_detailed_view_holds_what_reading_each_rule_holds(user: httpx.Client) -> None:
    create_custom_rule(user)
    detailed = assert_matches_spec(user.get(RULES, params={"view": "Detailed"}), RULES_SPEC)
    for record in detailed["records"]:
        assert record == read_rule(user, record["id"], USER_EXT)


def test_the_type_filter_is_repeatable(user: httpx.Client) -> None:
    create_custom_rule(user)
    for types, expected in [
        (["BusinessHours"], {"BusinessHours"}),
        (["AfterHours", "Custom"], {"AfterHours", "Custom"}),
        (["Custom"], {"Custom"}),
    ]:
        listed = assert_matches_spec(user.get(RULES, params={"type": types}), RULES_SPEC)
        assert {r["type"] for r in listed["records"]} == expected


def test_enabled_only_hides_disabled_rules(user: httpx.Client) -> None:
    disabled = create_custom_rule(user, enabled=False)["id"]
    every = {r["id"] for r in get_json(user, RULES, perPage=1000)["records"]}
    enabled = assert_matches_spec(user.get(RULES, params={"enabledOnly": "true"}), RULES_SPEC)
    assert disabled in every and disabled not in {r["id"] for r in enabled["records"]}
    not_only = get_json(user, RULES, enabledOnly="false", perPage=1000)["records"]
    assert {r["id"] for r in not_only} == every


def test_the_list_pages(user: httpx.Client) -> None:
    create_custom_rule(user)
    every = get_json(user, RULES, perPage=1000)["records"]
    first = assert_matches_spec(user.get(RULES, params={"perPage": 1}), RULES_SPEC)
    assert first["records"] == every[:1]
    assert first["paging"] == {
        "page": 1,
        "perPage": 1,
        "totalPages": len(every),
        "totalElements": len(every),
        "pageStart": 0,
        "pageEnd": 0,
    }
    second = assert_matches_spec(user.get(RULES, params={"perPage": 1, "page": 2}), RULES_SPEC)
    assert second["records"] == every[1:2]
    assert set(second["navigation"]) == {"firstPage", "lastPage", "previousPage", "nextPage"}


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"type": "Holiday"}, "type"),
        ({"view": "Full"}, "view"),
        ({"enabledOnly": "maybe"}, "enabledOnly"),
        ({"perPage": "0"}, "perPage"),
        ({"page": "-2"}, "page"),
    ],
)
def test_bad_list_parameters_are_400(
    user: httpx.Client, params: dict[str, str], parameter: str
) -> None:
    assert_refused(user.get(RULES, params=params), 400, parameter, spec_path=RULES_SPEC)


def test_show_inactive_numbers_must_be_a_boolean(user: httpx.Client) -> None:
    response = user.get(f"{RULES}/business-hours-rule", params={"showInactiveNumbers": "some"})
    assert_refused(response, 400, "showInactiveNumbers", spec_path=RULE_SPEC)
