"""Business hours: read, replace, 24/7, refusals, and how the standard rules refer to them."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support.rest import (
    HOURS_SPEC,
    RULE_SPEC,
    assert_refused,
    hours_path,
    read_rule,
    rules_path,
    unchanged,
)
from tests.support.spec import assert_matches_spec

HOURS = hours_path()
WEEKDAYS_9_TO_6 = {
    day: [{"from": "09:00", "to": "18:00"}]
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
}


def test_the_demo_admin_works_monday_to_friday_nine_to_six(admin: httpx.Client) -> None:
    hours = assert_matches_spec(admin.get(HOURS), HOURS_SPEC)
    assert hours["schedule"] == {"weeklyRanges": WEEKDAYS_9_TO_6}
    assert hours["uri"].endswith("/restapi/v1.0/account/11111111/extension/22222222/business-hours")


def test_an_extension_without_hours_is_open_around_the_clock(user: httpx.Client) -> None:
    hours = assert_matches_spec(user.get(HOURS), HOURS_SPEC)
    assert hours["schedule"] == {"weeklyRanges": {}}


def test_put_replaces_the_weekly_ranges(user: httpx.Client) -> None:
    weekly = {
        "monday": [{"from": "08:00", "to": "12:00"}, {"from": "13:00", "to": "17:30"}],
        "saturday": [{"from": "10:00", "to": "14:00"}],
    }
    updated = assert_matches_spec(
        user.put(HOURS, json={"schedule": {"weeklyRanges": weekly}}), HOURS_SPEC
    )
    assert updated["schedule"] == {"weeklyRanges": weekly}
    assert user.get(HOURS).json() == updated
    narrower = {"tuesday": [{"from": "09:00", "to": "10:00"}]}
    replaced = assert_matches_spec(
        user.put(HOURS, json={"schedule": {"weeklyRanges": narrower}}), HOURS_SPEC
    )
    assert replaced["schedule"] == {"weeklyRanges": narrower}, "PUT replaces, it does not merge"


def test_a_range_may_cross_midnight(user: httpx.Client) -> None:
    weekly = {"friday": [{"from": "22:00", "to": "02:00"}]}
    updated = assert_matches_spec(
        user.put(HOURS, json={"schedule": {"weeklyRanges": weekly}}), HOURS_SPEC
    )
    assert updated["schedule"]["weeklyRanges"] == weekly


@pytest.mark.parametrize("schedule", [{}, {"weeklyRanges": {}}, {"weeklyRanges": {"monday": []}}])
def test_no_ranges_at_all_means_24_7(user: httpx.Client, schedule: dict[str, Any]) -> None:
    user.put(
        HOURS, json={"schedule": {"weeklyRanges": {"monday": [{"from": "09:00", "to": "17:00"}]}}}
    )
    cleared = assert_matches_spec(user.put(HOURS, json={"schedule": schedule}), HOURS_SPEC)
    assert cleared["schedule"] == {"weeklyRanges": {}}


@pytest.mark.parametrize(
    ("body", "parameter"),
    [
        ({}, "schedule"),
        ({"schedule": "always"}, "schedule"),
        (
            {"schedule": {"weeklyRanges": {"Funday": [{"from": "09:00", "to": "10:00"}]}}},
            "schedule.weeklyRanges.Funday",
        ),
        (
            {"schedule": {"weeklyRanges": {"monday": [{"from": "9am", "to": "10:00"}]}}},
            "schedule.weeklyRanges.monday[0].from",
        ),
        (
            {"schedule": {"weeklyRanges": {"monday": [{"from": "09:00", "to": "24:01"}]}}},
            "schedule.weeklyRanges.monday[0].to",
        ),
        (
            {"schedule": {"weeklyRanges": {"monday": [{"from": "09:00"}]}}},
            "schedule.weeklyRanges.monday[0].to",
        ),
        (
            {"schedule": {"weeklyRanges": {"monday": [{"from": "09:00", "to": "09:00"}]}}},
            "schedule.weeklyRanges.monday[0]",
        ),
        ({"schedule": {"weeklyRanges": {"monday": "09:00-18:00"}}}, "schedule.weeklyRanges.monday"),
        (
            {"schedule": {"weeklyRanges": {"monday": [{"from": 900, "to": 1800}]}}},
            "schedule.weeklyRanges.monday[0].from",
        ),
    ],
)
def test_bad_hours_are_400_and_change_nothing(
    admin: httpx.Client, body: dict[str, Any], parameter: str
) -> None:
    with unchanged(admin):
        response = admin.put(HOURS, json=body)
    assert_refused(response, 400, parameter, spec_path=HOURS_SPEC)


def test_standard_rules_refer_to_the_hours_and_do_not_copy_them(user: httpx.Client) -> None:
    weekly = {"wednesday": [{"from": "07:00", "to": "15:00"}]}
    assert user.put(HOURS, json={"schedule": {"weeklyRanges": weekly}}).status_code == 200
    business = assert_matches_spec(user.get(f"{rules_path()}/business-hours-rule"), RULE_SPEC)
    after = assert_matches_spec(user.get(f"{rules_path()}/after-hours-rule"), RULE_SPEC)
    assert business["schedule"] == {"ref": "BusinessHours"}
    assert after["schedule"] == {"ref": "AfterHours"}


def test_the_schedule_of_a_standard_rule_is_set_only_through_business_hours(
    admin: httpx.Client,
) -> None:
    rule = f"{rules_path()}/business-hours-rule"
    same = admin.put(rule, json={"schedule": {"ref": "BusinessHours"}})
    assert assert_matches_spec(same, RULE_SPEC)["schedule"] == {"ref": "BusinessHours"}
    weekly = {"weeklyRanges": {"monday": [{"from": "09:00", "to": "10:00"}]}}
    with unchanged(admin):
        response = admin.put(rule, json={"schedule": weekly})
    assert_refused(response, 400, "schedule", spec_path=RULE_SPEC)
    assert read_rule(admin, "business-hours-rule")["schedule"] == {"ref": "BusinessHours"}
