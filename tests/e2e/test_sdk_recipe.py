"""The seed's three-step recipe, driven by RingCentral's official Python SDK."""

from __future__ import annotations

import subprocess
import sys

import pytest
from ringcentral import SDK

from tests.support.servers import CLIENT_ID, CLIENT_SECRET, PASSWORD, LiveServer
from tests.support.spec import assert_matches_spec

EXT = "/restapi/v1.0/account/{accountId}/extension/{extensionId}"


def jwt_from_cli(db_url: str, extension: str) -> str:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ringforward.cli.main",
            "jwt",
            "--extension",
            extension,
            "--db",
            db_url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def run_recipe(platform: object) -> None:
    post = platform.post  # type: ignore[attr-defined]
    get = platform.get  # type: ignore[attr-defined]
    put = platform.put  # type: ignore[attr-defined]
    created = post(
        "/restapi/v1.0/account/~/extension/~/forwarding-number",
        {"phoneNumber": "+12125550100", "label": "Work"},
    )
    number = assert_matches_spec(created.response(), f"{EXT}/forwarding-number")
    assert number["phoneNumber"] == "+12125550100" and number["label"] == "Work"
    assert number["id"] == "44444444"

    rule_path = "/restapi/v1.0/account/~/extension/~/answering-rule/business-hours-rule"
    rule = assert_matches_spec(get(rule_path).response(), f"{EXT}/answering-rule/{{ruleId}}")
    group = rule["forwarding"]["rules"][0]
    assert [n["id"] for n in group["forwardingNumbers"]] == ["33333333"]

    body = {
        "forwarding": {
            "rules": [
                {
                    "index": 1,
                    "ringCount": 3,
                    "forwardingNumbers": [{"id": "33333333"}, {"id": number["id"]}],
                }
            ]
        }
    }
    updated = assert_matches_spec(
        put(rule_path, body).response(), f"{EXT}/answering-rule/{{ruleId}}"
    )
    assert len(updated["forwarding"]["rules"]) == 1

    again = assert_matches_spec(get(rule_path).response(), f"{EXT}/answering-rule/{{ruleId}}")
    rules = again["forwarding"]["rules"]
    assert len(rules) == 1, "the two numbers form one ring group"
    assert rules[0]["index"] == 1 and rules[0]["ringCount"] == 3
    assert [n["phoneNumber"] for n in rules[0]["forwardingNumbers"]] == [
        "+16505550100",
        "+12125550100",
    ]


@pytest.mark.parametrize("login", ["password", "jwt"])
def test_seed_recipe_with_the_official_sdk(live_server: LiveServer, login: str) -> None:
    sdk = SDK(CLIENT_ID, CLIENT_SECRET, live_server.base_url)
    platform = sdk.platform()
    if login == "password":
        platform.login(username="admin@example.com", password=PASSWORD)
    else:
        platform.login(jwt=jwt_from_cli(live_server.db_url, "22222222"))
    assert platform.logged_in()
    run_recipe(platform)
    platform.logout()
    with pytest.raises(Exception):  # noqa: B017 - the SDK raises a bare Exception when logged out
        platform.get("/restapi/v1.0/account/~")
