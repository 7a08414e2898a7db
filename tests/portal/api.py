"""Reading and arranging state through the REST API, to check what the portal did."""

from __future__ import annotations

from typing import Any

from tests.support.servers import LiveServer

ADMIN = "admin@example.com"
USER = "user@example.com"
ADMIN_ID = "22222222"
USER_ID = "22222223"


def rule(
    server: LiveServer, rule_id: str = "business-hours-rule", extension_id: str = ADMIN_ID
) -> dict[str, Any]:
    with server.client(ADMIN) as client:
        response = client.get(f"/account/~/extension/{extension_id}/answering-rule/{rule_id}")
        response.raise_for_status()
        body: dict[str, Any] = response.json()
        return body


def groups(server: LiveServer, rule_id: str = "business-hours-rule") -> list[list[str]]:
    """The forwarding list as the ids of each entry, in ringing order."""
    entries = rule(server, rule_id)["forwarding"]["rules"]
    return [[number["id"] for number in entry["forwardingNumbers"]] for entry in entries]


def ring_counts(server: LiveServer, rule_id: str = "business-hours-rule") -> list[int]:
    return [entry["ringCount"] for entry in rule(server, rule_id)["forwarding"]["rules"]]


def add_number(server: LiveServer, phone: str, label: str) -> str:
    with server.client(ADMIN) as client:
        response = client.post(
            f"/account/~/extension/{ADMIN_ID}/forwarding-number",
            json={"phoneNumber": phone, "label": label},
        )
        response.raise_for_status()
        number_id: str = response.json()["id"]
        return number_id


def numbers(server: LiveServer) -> dict[str, str]:
    """Phone number → id of the admin's forwarding numbers."""
    with server.client(ADMIN) as client:
        response = client.get(f"/account/~/extension/{ADMIN_ID}/forwarding-number")
        response.raise_for_status()
        return {r["phoneNumber"]: r["id"] for r in response.json()["records"] if "phoneNumber" in r}


def set_groups(server: LiveServer, entries: list[list[str]], ring_count: int = 3) -> None:
    with server.client(ADMIN) as client:
        response = client.put(
            f"/account/~/extension/{ADMIN_ID}/answering-rule/business-hours-rule",
            json={
                "forwarding": {
                    "rules": [
                        {
                            "index": position,
                            "ringCount": ring_count,
                            "forwardingNumbers": [{"id": number_id} for number_id in ids],
                        }
                        for position, ids in enumerate(entries, start=1)
                    ]
                }
            },
        )
        response.raise_for_status()


def business_hours(server: LiveServer) -> dict[str, Any]:
    with server.client(ADMIN) as client:
        response = client.get(f"/account/~/extension/{ADMIN_ID}/business-hours")
        response.raise_for_status()
        weekly: dict[str, Any] = response.json()["schedule"].get("weeklyRanges", {})
        return weekly


DEMO_LIST = {"index": 1, "ringCount": 3, "forwardingNumbers": [{"id": "33333333"}]}
DEMO_HOURS = {
    day: [{"from": "09:00", "to": "18:00"}]
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
}


def reset(server: LiveServer) -> None:
    """Put the admin's call handling back to the demo data, so that tests sharing one
    server (starting one per test costs seconds) do not see each other's changes."""
    base = f"/account/~/extension/{ADMIN_ID}"
    with server.client(ADMIN) as client:
        extra = [
            {"id": record["id"]}
            for record in client.get(f"{base}/forwarding-number").json()["records"]
            if record["id"] != "33333333"
        ]
        if extra:
            client.request(
                "DELETE", f"{base}/forwarding-number", json={"records": extra}
            ).raise_for_status()
        client.put(
            f"{base}/answering-rule/business-hours-rule",
            json={
                "callHandlingAction": "ForwardCalls",
                "forwarding": {"ringingMode": "Sequentially", "rules": [DEMO_LIST]},
            },
        ).raise_for_status()
        client.put(
            f"{base}/business-hours", json={"schedule": {"weeklyRanges": DEMO_HOURS}}
        ).raise_for_status()
        for record in client.get(f"{base}/answering-rule", params={"type": "Custom"}).json()[
            "records"
        ]:
            if record["id"] != "55555555":
                client.delete(f"{base}/answering-rule/{record['id']}").raise_for_status()
