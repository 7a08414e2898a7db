"""Data survive a server restart, on SQLite and on PostgreSQL."""

from __future__ import annotations

import httpx

from tests.support.rest import (
    DEMO_NUMBER_ID,
    USER,
    USER_EXT,
    VIP_RULE_ID,
    create_custom_rule,
    create_number,
    get_json,
    numbers_path,
    rules_path,
    snapshot,
)
from tests.support.servers import CLIENT_ID, CLIENT_SECRET, LiveServer


def make_changes_of_every_kind(admin: httpx.Client) -> None:
    work = create_number(admin, phoneNumber="+12125550100", label="Büro ☎ 携帯")
    mobile = create_number(admin, type="Mobile")
    admin.post(
        numbers_path(), json={"type": "PhoneLine", "device": {"id": "4242"}}
    ).raise_for_status()
    admin.put(f"{numbers_path()}/{DEMO_NUMBER_ID}", json={"label": "Renamed"}).raise_for_status()
    rules = rules_path()
    admin.put(
        f"{rules}/business-hours-rule",
        json={
            "forwarding": {
                "ringingMode": "Simultaneously",
                "softPhonesRingCount": 2,
                "notifyMySoftPhones": False,
                "rules": [
                    {"ringCount": 3, "forwardingNumbers": [{"id": work["id"]}]},
                    {
                        "ringCount": 7,
                        "forwardingNumbers": [{"id": DEMO_NUMBER_ID}, {"id": mobile["id"]}],
                    },
                ],
            }
        },
    ).raise_for_status()
    admin.put(
        f"{rules}/after-hours-rule",
        json={
            "callHandlingAction": "TransferToExtension",
            "transfer": {"extension": {"id": USER_EXT}},
        },
    ).raise_for_status()
    create_custom_rule(
        admin,
        name="Weekends",
        callers=[{"callerId": "+14155550111", "name": "Zoë"}],
        schedule={
            "weeklyRanges": {"saturday": [{"from": "10:00", "to": "14:00"}]},
            "ranges": [{"from": "2026-12-24T00:00:00Z", "to": "2026-12-26T00:00:00Z"}],
        },
        forwarding={"rules": [{"forwardingNumbers": [{"id": mobile["id"]}]}]},
    )
    assert admin.delete(f"{rules}/{VIP_RULE_ID}").status_code == 204
    admin.put(
        "/account/~/extension/~/business-hours",
        json={"schedule": {"weeklyRanges": {"monday": [{"from": "07:30", "to": "19:00"}]}}},
    ).raise_for_status()


def test_every_change_survives_a_restart(server_process: LiveServer) -> None:
    with server_process.client() as admin, server_process.client(USER) as user:
        make_changes_of_every_kind(admin)
        create_number(user, label="Mine")
        before = snapshot(admin)
        before_user = snapshot(user)
        used_ids = {n["id"] for n in before["numbers"]} | {n["id"] for n in before_user["numbers"]}
        # An all-or-nothing refusal just before the restart leaves nothing half-written.
        doomed = {"records": [{"id": DEMO_NUMBER_ID}, {"id": "12345"}]}
        assert admin.request("DELETE", numbers_path(), json=doomed).status_code == 404
        revoked = server_process.token()
        httpx.post(
            f"{server_process.base_url}/restapi/oauth/revoke",
            auth=(CLIENT_ID, CLIENT_SECRET),
            data={"token": revoked},
        ).raise_for_status()

        server_process.restart()

        # Tokens live in the database too: the same clients go on working after the restart.
        assert snapshot(admin) == before, "the demo data must not be loaded over the changes"
        assert snapshot(user) == before_user
        assert VIP_RULE_ID not in {r["id"] for r in get_json(admin, rules_path())["records"]}
        after = create_number(admin)
        assert after["id"] not in used_ids and int(after["id"]) > max(map(int, used_ids))
        gone = httpx.get(
            f"{server_process.base_url}/restapi/v1.0/account/~",
            headers={"Authorization": f"Bearer {revoked}"},
        )
        assert gone.status_code == 401, "a revoked token stays revoked"
