"""Instants at the edge of the calendar are a 400 naming ``at``, never an OverflowError."""

from __future__ import annotations

import httpx
import pytest

from tests.support.rest import ADMIN_EXT, rules_path
from tests.support.spec import assert_ringcentral_error

EDGES = ["9999-12-31T23:59", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"]
SIMULATE = "/account/~/extension/~/call-flow/simulate"


@pytest.fixture(scope="module")
def visitor(portal_visitor: httpx.Client) -> httpx.Client:
    return portal_visitor


@pytest.mark.parametrize("at", EDGES)
def test_simulating_a_call_at_the_calendars_edge_is_a_400_naming_at(
    admin: httpx.Client, at: str
) -> None:
    body = assert_ringcentral_error(admin.post(SIMULATE, json={"at": at}), 400)
    assert body["errors"][0]["parameterName"] == "at"


def test_an_ordinary_far_future_date_still_simulates(admin: httpx.Client) -> None:
    response = admin.post(SIMULATE, json={"at": "9999-12-01T12:00"})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("at", EDGES)
def test_the_portals_who_rings_panel_answers_400_naming_at(visitor: httpx.Client, at: str) -> None:
    response = visitor.get(f"/portal/extensions/{ADMIN_EXT}/who-rings", params={"at": at})
    assert response.status_code == 400
    assert "[at]" in response.text


@pytest.mark.parametrize("at", EDGES)
def test_the_portals_call_handling_page_answers_400_naming_at(
    visitor: httpx.Client, at: str
) -> None:
    response = visitor.get(f"/portal/extensions/{ADMIN_EXT}/call-handling", params={"at": at})
    assert response.status_code == 400
    assert "[at]" in response.text


def test_a_rule_date_range_at_the_calendars_edge_is_refused(admin: httpx.Client) -> None:
    body = {
        "type": "Custom",
        "name": "Edge of time",
        "callHandlingAction": "TakeMessagesOnly",
        "schedule": {"ranges": [{"from": "9999-12-28T00:00:00", "to": "9999-12-31T23:59:00"}]},
    }
    refused = assert_ringcentral_error(admin.post(rules_path(), json=body), 400)
    assert refused["errors"][0]["parameterName"] == "schedule.ranges[0].to"
