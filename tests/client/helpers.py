"""Running the ``ringforward groups`` CLI (in the test process, or as twenty real processes
at once), and a known starting state."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from typing import Any

import httpx

from tests.support import cli
from tests.support.servers import CLIENT_ID, CLIENT_SECRET, PASSWORD, LiveServer

CLI = [*cli.MAIN, "groups"]
EXT = "/account/~/extension/~"
BUSINESS = f"{EXT}/answering-rule/business-hours-rule"
DEMO_NUMBER = "+16505550100"
DEMO_NUMBER_ID = "33333333"
# The starting list of the CLI tests: group 1 = demo number + A, group 2 = B, C inactive.
A, B, C = "+12125550111", "+12125550112", "+12125550113"
LABELS = {DEMO_NUMBER: "My Phone3", A: "Alpha", B: "Bravo", C: "Charlie"}


def cli_env(server: LiveServer, *, jwt: str | None = None) -> dict[str, str]:
    """The RINGCENTRAL_* variables for ``server``: a JWT login if given, else a password one."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("RINGCENTRAL_")}
    env.update(
        RINGCENTRAL_SERVER_URL=server.base_url,
        RINGCENTRAL_CLIENT_ID=CLIENT_ID,
        RINGCENTRAL_CLIENT_SECRET=CLIENT_SECRET,
    )
    if jwt:
        env["RINGCENTRAL_JWT_TOKEN"] = jwt
    else:
        env.update(RINGCENTRAL_USERNAME="admin@example.com", RINGCENTRAL_PASSWORD=PASSWORD)
    return env


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """``ringforward groups *args`` with ``env`` as its environment, in the test process."""
    return cli.run_cli("groups", *args, env=env)


def run_cli_together(
    env: dict[str, str], commands: list[list[str]], timeout: float = 600
) -> list[subprocess.CompletedProcess[str]]:
    """Start every command at once as a process of its own and wait for all of them."""
    processes = [
        (
            command,
            subprocess.Popen(
                [*CLI, *command],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            ),
        )
        for command in commands
    ]
    results = []
    for command, process in processes:
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
        results.append(subprocess.CompletedProcess(command, process.returncode, out, err))
    return results


def jwt_credential(server: LiveServer, extension: str = "22222222") -> str:
    return cli.jwt_credential(server.db_url, extension)


@dataclass(frozen=True)
class Snapshot:
    """Everything the ring-group CLI could touch: every rule (with inactive numbers) and
    every forwarding number of the extension."""

    rules: dict[str, dict[str, Any]]
    numbers: dict[str, dict[str, Any]]

    def rule(self, rule_id: str = "business-hours-rule") -> dict[str, Any]:
        return self.rules[rule_id]

    def forwarding(self, rule_id: str = "business-hours-rule") -> dict[str, Any]:
        forwarding: dict[str, Any] = self.rules[rule_id]["forwarding"]
        return forwarding

    def groups(self, rule_id: str = "business-hours-rule") -> list[tuple[int, list[str]]]:
        """(ringCount, [phone numbers]) per active group, in index order."""
        return [
            (entry["ringCount"], [n["phoneNumber"] for n in entry["forwardingNumbers"]])
            for entry in self.forwarding(rule_id)["rules"]
            if entry.get("enabled", True)
        ]

    def id_of(self, phone: str) -> str:
        return next(i for i, n in self.numbers.items() if n.get("phoneNumber") == phone)


def snapshot(client: httpx.Client) -> Snapshot:
    listed = client.get(f"{EXT}/answering-rule", params={"perPage": 1000}).json()["records"]
    rules = {}
    for record in listed:
        response = client.get(
            f"{EXT}/answering-rule/{record['id']}", params={"showInactiveNumbers": "true"}
        )
        rules[record["id"]] = response.json()
    numbers = client.get(f"{EXT}/forwarding-number", params={"perPage": 1000}).json()
    return Snapshot(rules, {n["id"]: n for n in numbers["records"]})


def reset_to_baseline(client: httpx.Client) -> Snapshot:
    """Put the demo extension back to the known list, whatever earlier tests left."""
    listed = client.get(f"{EXT}/forwarding-number", params={"perPage": 1000}).json()["records"]
    by_phone = {n.get("phoneNumber"): n["id"] for n in listed}
    extra = [{"id": i} for p, i in by_phone.items() if p not in LABELS]
    if extra:
        assert client.request(
            "DELETE", f"{EXT}/forwarding-number", json={"records": extra}
        ).is_success
    for phone in (A, B, C):
        if phone not in by_phone:
            created = client.post(
                f"{EXT}/forwarding-number", json={"phoneNumber": phone, "label": LABELS[phone]}
            )
            assert created.status_code == 200, created.text
            by_phone[phone] = created.json()["id"]
    body = {
        "forwarding": {
            "ringingMode": "Sequentially",
            "rules": [
                {
                    "index": 1,
                    "ringCount": 3,
                    "forwardingNumbers": [{"id": by_phone[DEMO_NUMBER]}, {"id": by_phone[A]}],
                },
                {"index": 2, "ringCount": 2, "forwardingNumbers": [{"id": by_phone[B]}]},
            ],
        }
    }
    response = client.put(BUSINESS, json=body)
    assert response.status_code == 200, response.text
    return snapshot(client)


def everything_else(state: Snapshot, *, keep_mode: bool = True) -> dict[str, Any]:
    """All rules minus business-hours-rule's forwarding list (what the verbs may change).

    Inactive entries are left out too: registering a number makes it show as inactive in
    every rule, which is the registration's doing, checked through ``numbers``.
    """
    rules: dict[str, Any] = {}
    for rule_id, rule in state.rules.items():
        copy = dict(rule)
        if isinstance(rule.get("forwarding"), dict):
            forwarding = dict(rule["forwarding"])
            forwarding["rules"] = [e for e in forwarding["rules"] if e.get("enabled", True)]
            if rule_id == "business-hours-rule":
                forwarding.pop("rules")
                if not keep_mode:
                    forwarding.pop("ringingMode")
            copy["forwarding"] = forwarding
        rules[rule_id] = copy
    return rules
