"""History and revert of v2 state rules and interaction rules (our extension)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.api.test_history import assert_matches_schema
from tests.support.comm_rest import (
    ENHANCED,
    ENHANCED_USER,
    ENHANCED_USER_EXT,
    group_numbers,
    ring_group,
    root_client,
    v2,
    voicemail,
)
from tests.support.servers import LiveServer
from tests.support.spec import assert_ringcentral_error

RULE = f"{v2()}/voice/state-rules/work-hours"


@pytest.fixture(scope="module")
def user(shared_server: LiveServer) -> Iterator[httpx.Client]:
    with root_client(shared_server, ENHANCED_USER) as client:
        yield client


def _set(client: httpx.Client, number: str) -> str:
    body = {"dispatching": {"type": "RingInOrder", "actions": [ring_group(number), voicemail()]}}
    response = client.patch(RULE, json=body)
    assert response.status_code == 200, response.text
    return response.headers["ETag"]


def test_state_rule_history_lists_changes_and_revert_restores(
    shared_server: LiveServer, user: httpx.Client
) -> None:
    _set(user, "+12125550141")
    _set(user, "+12125550142")
    history = user.get(f"{RULE}/history").json()
    # Both answers are the ones the published OpenAPI document describes.
    assert_matches_schema(shared_server.base_url, history, "CommStateRuleHistory")
    versions = [r["version"] for r in history["records"]]
    assert versions == sorted(versions, reverse=True) and len(versions) >= 2
    newest = history["records"][0]
    assert group_numbers(newest["after"]["dispatching"]) == [["+12125550142"]]
    assert group_numbers(newest["before"]["dispatching"]) == [["+12125550141"]]
    assert newest["actor"]["id"] == ENHANCED_USER_EXT
    reverted = user.post(f"{RULE}/history/{newest['version']}/revert")
    assert reverted.status_code == 200, reverted.text
    assert_matches_schema(shared_server.base_url, reverted.json(), "CommStateBasedRuleResource")
    # The revert answers the resource a GET of the rule answers.
    assert reverted.json() == user.get(RULE).json()
    assert group_numbers(user.get(RULE).json()["dispatching"]) == [["+12125550141"]]
    # The revert is a change of its own.
    assert user.get(f"{RULE}/history").json()["records"][0]["version"] == newest["version"] + 1


def test_interaction_rule_history_and_bad_versions(
    shared_server: LiveServer, user: httpx.Client
) -> None:
    rules = f"{v2()}/voice/interaction-rules"
    created = user.post(
        rules,
        json={
            "displayName": "Old",
            "enabled": True,
            "conditions": [{"type": "State", "state": {"id": "work-hours"}}],
            "dispatching": {"type": "Terminate", "actions": [voicemail()]},
        },
    ).json()
    path = f"{rules}/{created['id']}"
    user.patch(path, json={"displayName": "New"})
    records = user.get(f"{path}/history").json()["records"]
    assert [r["version"] for r in records] == [2, 1]
    assert records[1]["before"] is None
    history = user.get(f"{path}/history").json()
    assert_matches_schema(shared_server.base_url, history, "CommInteractionRuleHistory")
    reverted = user.post(f"{path}/history/2/revert").json()
    assert reverted["displayName"] == "Old"
    assert_matches_schema(shared_server.base_url, reverted, "CommInteractionRuleResource")
    assert reverted == user.get(path).json()
    assert_ringcentral_error(user.post(f"{path}/history/1/revert"), 400, "version")
    assert_ringcentral_error(user.post(f"{path}/history/99/revert"), 404, "version")
    assert_ringcentral_error(user.post(f"{path}/history/x/revert"), 400, "version")
    assert_ringcentral_error(user.get(f"{rules}/424242/history"), 404)


def test_a_colleague_cannot_read_the_history(shared_server: LiveServer) -> None:
    with root_client(shared_server, ENHANCED) as admin:
        assert (
            admin.get(f"{v2(ENHANCED_USER_EXT)}/voice/state-rules/work-hours/history").status_code
            == 200
        )
    with root_client(shared_server, ENHANCED_USER) as user:
        response = user.get(f"{v2('22222232')}/voice/state-rules/work-hours/history")
        assert_ringcentral_error(response, 403)


def test_state_history_lists_changes_and_revert_restores(
    shared_server: LiveServer, user: httpx.Client
) -> None:
    dnd = f"{v2()}/states/dnd"
    assert user.patch(dnd, json={"enabled": True}).status_code == 200
    assert user.patch(dnd, json={"enabled": False}).status_code == 200
    history = user.get(f"{dnd}/history").json()
    assert_matches_schema(shared_server.base_url, history, "CommStateHistory")
    newest = history["records"][0]
    assert (newest["before"]["enabled"], newest["after"]["enabled"]) == (True, False)
    reverted = user.post(f"{dnd}/history/{newest['version']}/revert")
    assert reverted.status_code == 200, reverted.text
    assert_matches_schema(shared_server.base_url, reverted.json(), "CommStateResource")
    assert reverted.json() == user.get(dnd).json() and reverted.json()["enabled"] is True
    again = user.get(f"{dnd}/history").json()["records"][0]
    assert again["version"] == newest["version"] + 1
    # Undo the undo: the state is back as the test found it.
    assert user.post(f"{dnd}/history/{again['version']}/revert").json()["enabled"] is False


def test_reverting_work_hours_schedule_brings_after_hours_back_and_away(
    user: httpx.Client,
) -> None:
    work = f"{v2()}/states/work-hours"
    weekly = {"monday": [{"startTime": "09:00:00", "endTime": "17:00:00"}]}
    schedule = [
        {
            "type": "Schedule",
            "schedule": {"triggers": [{"triggerType": "Weekly", "ranges": weekly}]},
        }
    ]

    def state_ids() -> list[str]:
        return [s["id"] for s in user.get(f"{v2()}/states").json()["records"]]

    assert "after-hours" not in state_ids()  # the user's work hours are 24/7
    scheduled = user.patch(work, json={"conditions": schedule})
    assert scheduled.status_code == 200, scheduled.text
    assert "after-hours" in state_ids()
    version = user.get(f"{work}/history").json()["records"][0]["version"]
    reverted = user.post(f"{work}/history/{version}/revert")
    assert reverted.status_code == 200, reverted.text
    assert reverted.json()["conditions"] == []
    assert "after-hours" not in state_ids()
    # Reverting the revert schedules work-hours again, and after-hours comes back.
    assert user.post(f"{work}/history/{version + 1}/revert").json()["conditions"] == schedule
    assert "after-hours" in state_ids()
    assert_ringcentral_error(user.post(f"{v2()}/states/after-hours/history/1/revert"), 404)
    user.post(f"{work}/history/{version}/revert").raise_for_status()
    assert "after-hours" not in state_ids()


def test_after_hours_history_keeps_counting_when_it_comes_back(user: httpx.Client) -> None:
    work = f"{v2()}/states/work-hours"
    weekly = {"tuesday": [{"startTime": "08:00:00", "endTime": "12:00:00"}]}
    schedule = [
        {
            "type": "Schedule",
            "schedule": {"triggers": [{"triggerType": "Weekly", "ranges": weekly}]},
        }
    ]
    always = [
        {"type": "Schedule", "schedule": {"triggers": [{"triggerType": "Weekly", "ranges": {}}]}}
    ]
    for conditions in (schedule, always, schedule, always):
        assert user.patch(work, json={"conditions": conditions}).status_code == 200
    for path in ("states/after-hours", "voice/state-rules/after-hours"):
        versions = [r["version"] for r in user.get(f"{v2()}/{path}/history").json()["records"]]
        assert len(versions) >= 4
        assert versions == sorted(set(versions), reverse=True), (path, versions)
