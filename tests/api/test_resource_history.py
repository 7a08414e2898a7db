"""History and revert of forwarding numbers and business hours: API and CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.test_history import assert_matches_schema, run_cli
from tests.support.rest import fresh_number
from tests.support.servers import LiveServer
from tests.support.spec import assert_ringcentral_error

ADMIN_EXT = "/account/~/extension/22222222"
NUMBERS = f"{ADMIN_EXT}/forwarding-number"
HOURS = f"{ADMIN_EXT}/business-hours"
NINE_TO_FIVE = {"schedule": {"weeklyRanges": {"monday": [{"from": "09:00", "to": "17:00"}]}}}
TEN_TO_TWO = {"schedule": {"weeklyRanges": {"tuesday": [{"from": "10:00", "to": "14:00"}]}}}


@pytest.fixture(scope="module")
def admin(shared_server: LiveServer) -> Iterator[httpx.Client]:
    with shared_server.client("admin@example.com") as client:
        yield client


def new_number(client: httpx.Client, label: str = "Hist") -> dict[str, Any]:
    response = client.post(NUMBERS, json={"phoneNumber": fresh_number(), "label": label})
    assert response.status_code == 200, response.text
    number: dict[str, Any] = response.json()
    return number


def records(client: httpx.Client, path: str, **params: Any) -> list[dict[str, Any]]:
    response = client.get(f"{path}/history", params=params)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["records"]
    return found


def test_a_numbers_changes_read_newest_first_with_before_and_after(
    shared_server: LiveServer, admin: httpx.Client
) -> None:
    number = new_number(admin, "First")
    path = f"{NUMBERS}/{number['id']}"
    assert admin.put(path, json={"label": "Second"}).status_code == 200

    history = admin.get(f"{path}/history").json()
    assert_matches_schema(shared_server.base_url, history, "ForwardingNumberHistory")
    assert "~" not in history["uri"] and history["uri"].endswith(
        f"/extension/22222222/forwarding-number/{number['id']}/history?page=1&perPage=100"
    )
    latest, created = history["records"]
    assert (latest["version"], created["version"]) == (2, 1)
    assert created["before"] is None and created["after"] == number
    assert latest["before"]["label"] == "First" and latest["after"]["label"] == "Second"
    assert latest["after"] == admin.get(path).json()
    assert latest["actor"]["id"] == "22222222" and latest["actor"]["name"] == "Demo Admin"
    assert latest["at"].endswith("Z") and latest["at"] >= created["at"]


def test_revert_of_an_edit_is_itself_an_audited_change(admin: httpx.Client) -> None:
    number = new_number(admin, "Before")
    path = f"{NUMBERS}/{number['id']}"
    assert admin.put(path, json={"label": "After"}).status_code == 200

    reverted = admin.post(f"{path}/history/2/revert")
    assert reverted.status_code == 200, reverted.text
    assert reverted.json() == number
    assert admin.get(path).json()["label"] == "Before"
    latest = records(admin, path)[0]
    assert latest["version"] == 3
    assert (latest["before"]["label"], latest["after"]["label"]) == ("After", "Before")
    # ... so the revert can be reverted in turn.
    assert admin.post(f"{path}/history/3/revert").json()["label"] == "After"


def test_a_deleted_number_comes_back_under_its_own_id(admin: httpx.Client) -> None:
    number = new_number(admin, "Deleted")
    path = f"{NUMBERS}/{number['id']}"
    assert admin.delete(path).status_code == 204
    assert_ringcentral_error(admin.get(path), 404)

    deleted = records(admin, path)[0]
    assert deleted["version"] == 2 and deleted["after"] is None
    assert deleted["before"]["phoneNumber"] == number["phoneNumber"]

    restored = admin.post(f"{path}/history/2/revert")
    assert restored.status_code == 200, restored.text
    assert restored.json() == number
    assert admin.get(path).json() == number
    listed = admin.get(NUMBERS).json()["records"]
    assert [n["id"] for n in listed].count(number["id"]) == 1
    latest = records(admin, path)[0]
    assert (latest["version"], latest["before"], latest["after"]) == (3, None, number)


def test_a_restored_number_must_still_be_free(admin: httpx.Client) -> None:
    number = new_number(admin, "Taken")
    path = f"{NUMBERS}/{number['id']}"
    assert admin.delete(path).status_code == 204
    taker = admin.post(NUMBERS, json={"phoneNumber": number["phoneNumber"], "label": "New"})
    assert taker.status_code == 200
    assert_ringcentral_error(admin.post(f"{path}/history/2/revert"), 409, "phoneNumber")
    assert_ringcentral_error(admin.get(path), 404)  # nothing changed


def test_number_revert_refusals_name_the_parameter(admin: httpx.Client) -> None:
    number = new_number(admin)
    path = f"{NUMBERS}/{number['id']}/history"
    assert_ringcentral_error(admin.post(f"{path}/1/revert"), 400, "version")  # its creation
    assert_ringcentral_error(admin.post(f"{path}/7/revert"), 404, "version")
    assert_ringcentral_error(admin.post(f"{path}/x/revert"), 400, "version")
    assert_ringcentral_error(admin.get(f"{NUMBERS}/12345/history"), 404, "forwardingNumberId")
    assert_ringcentral_error(
        admin.post(f"{NUMBERS}/12345/history/1/revert"), 404, "forwardingNumberId"
    )
    # The demo's number was never changed through the API: an empty history, not a 404.
    assert records(admin, f"{NUMBERS}/33333333") == []


def test_business_hours_history_and_revert(shared_server: LiveServer, admin: httpx.Client) -> None:
    start = len(records(admin, HOURS))
    original = admin.get(HOURS).json()
    assert admin.put(HOURS, json=NINE_TO_FIVE).status_code == 200
    assert admin.put(HOURS, json=TEN_TO_TWO).status_code == 200

    history = admin.get(f"{HOURS}/history").json()
    assert_matches_schema(shared_server.base_url, history, "BusinessHoursHistory")
    latest, previous = history["records"][:2]
    assert (latest["version"], previous["version"]) == (start + 2, start + 1)
    assert previous["before"] == original
    assert previous["after"]["schedule"] == NINE_TO_FIVE["schedule"]
    assert latest["after"] == admin.get(HOURS).json()

    reverted = admin.post(f"{HOURS}/history/{start + 2}/revert")
    assert reverted.status_code == 200, reverted.text
    assert reverted.json()["schedule"] == NINE_TO_FIVE["schedule"]
    assert admin.get(HOURS).json()["schedule"] == NINE_TO_FIVE["schedule"]
    newest = records(admin, HOURS)[0]
    assert newest["version"] == start + 3
    assert newest["before"]["schedule"] == TEN_TO_TWO["schedule"]
    assert admin.post(f"{HOURS}/history/{start + 1}/revert").json() == original
    assert_ringcentral_error(admin.post(f"{HOURS}/history/999/revert"), 404, "version")


def test_a_user_may_not_touch_a_colleagues_trail(shared_server: LiveServer) -> None:
    with shared_server.client("user@example.com") as user:
        for path in (f"{NUMBERS}/33333333", HOURS):
            assert_ringcentral_error(user.get(f"{path}/history"), 403, "extensionId")
            assert_ringcentral_error(user.post(f"{path}/history/1/revert"), 403, "extensionId")
        own = "/account/~/extension/~/business-hours"
        assert user.put(own, json=NINE_TO_FIVE).status_code == 200
        assert records(user, own)[0]["actor"]["id"] == "22222223"


def test_another_account_sees_nothing(shared_server: LiveServer, admin: httpx.Client) -> None:
    number = new_number(admin)
    # The same requests that another account is refused work for the account's admin.
    assert len(records(admin, f"{NUMBERS}/{number['id']}")) == 1
    assert admin.get(f"{HOURS}/history").status_code == 200
    with shared_server.client("other@example.com") as other:
        for account in ("11111111", "~"):
            base = f"/account/{account}/extension/22222222"
            for path in (f"{base}/forwarding-number/{number['id']}", f"{base}/business-hours"):
                assert_ringcentral_error(other.get(f"{path}/history"), 404)
                assert_ringcentral_error(other.post(f"{path}/history/1/revert"), 404)


def test_strict_mode_serves_no_trail(tmp_path: Path) -> None:
    server = LiveServer(
        f"sqlite:///{tmp_path / 'strict.db'}", extra_args=["--strict-ringcentral"]
    ).start()
    try:
        document = httpx.get(f"{server.base_url}/restapi/openapi.json").json()
        assert not any("history" in path for path in document["paths"])
        with server.client() as client:
            for path in (
                "/account/~/extension/~/forwarding-number/33333333",
                "/account/~/extension/~/business-hours",
            ):
                assert_ringcentral_error(client.get(f"{path}/history"), 404)
                assert_ringcentral_error(client.post(f"{path}/history/1/revert"), 404)
    finally:
        server.stop()


def test_the_cli_names_a_number_or_the_business_hours(
    shared_server: LiveServer, admin: httpx.Client
) -> None:
    number = new_number(admin, "Cli")
    assert admin.put(f"{NUMBERS}/{number['id']}", json={"label": "Cli2"}).status_code == 200
    target = ("--extension", "22222222", "--forwarding-number", number["id"])

    shown = run_cli(shared_server, "history", *target)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[1].split()[0] == "2" and "label" in lines[1] and "Demo Admin" in lines[1]
    assert lines[2].rstrip().endswith("created")

    reverted = run_cli(shared_server, "revert", "2", *target)
    assert reverted.returncode == 0, reverted.stderr
    assert reverted.stdout.strip() == f"reverted change 2 of forwarding number {number['id']}"
    assert admin.get(f"{NUMBERS}/{number['id']}").json()["label"] == "Cli"

    assert admin.put(HOURS, json=TEN_TO_TWO).status_code == 200
    hours = run_cli(
        shared_server, "history", "--extension", "22222222", "--business-hours", "--json"
    )
    assert hours.returncode == 0, hours.stderr
    latest = json.loads(hours.stdout)["records"][0]
    assert latest["after"]["schedule"] == TEN_TO_TWO["schedule"]
    back = run_cli(
        shared_server,
        "revert",
        str(latest["version"]),
        "--extension",
        "22222222",
        "--business-hours",
        "--json",
    )
    assert back.returncode == 0, back.stderr
    assert json.loads(back.stdout)["schedule"] == latest["before"]["schedule"]

    both = run_cli(shared_server, "history", "--rule", "business-hours-rule", "--business-hours")
    assert both.returncode == 2 and "one of" in both.stderr


def test_restore_and_revert_on_each_backend(live_server: LiveServer) -> None:
    with live_server.client() as client:
        base = "/account/~/extension/~"
        number = client.post(
            f"{base}/forwarding-number", json={"phoneNumber": "+12125550144", "label": "PG"}
        ).json()
        path = f"{base}/forwarding-number/{number['id']}"
        assert client.delete(path).status_code == 204
        restored = client.post(f"{path}/history/2/revert")
        assert restored.status_code == 200, restored.text
        assert client.get(path).json() == number

        original = client.get(f"{base}/business-hours").json()
        assert client.put(f"{base}/business-hours", json=NINE_TO_FIVE).status_code == 200
        latest = client.get(f"{base}/business-hours/history").json()["records"][0]
        back = client.post(f"{base}/business-hours/history/{latest['version']}/revert")
        assert back.status_code == 200, back.text
        assert client.get(f"{base}/business-hours").json() == original
