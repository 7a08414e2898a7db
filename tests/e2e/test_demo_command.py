"""``ringforward demo``: starts with the demo data and prints how to log in."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.support.servers import CLIENT_ID, CLIENT_SECRET, PASSWORD, free_port


def test_demo_prints_credentials_and_serves_the_demo_data(tmp_path: Path) -> None:
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "ringforward.cli.main",
        "demo",
        "--port",
        str(port),
        "--db",
        f"sqlite:///{tmp_path / 'demo.db'}",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/restapi", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        token = httpx.post(
            f"{base}/restapi/oauth/token",
            auth=(CLIENT_ID, CLIENT_SECRET),
            data={"grant_type": "password", "username": "admin@example.com", "password": PASSWORD},
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        account = httpx.get(f"{base}/restapi/v1.0/account/~", headers=headers).json()
        assert account["id"] == 11111111 and account["mainNumber"] == "+16505550000"
        # The enhanced account's printed login works, and its extension is the v2 one.
        enhanced = httpx.post(
            f"{base}/restapi/oauth/token",
            auth=(CLIENT_ID, CLIENT_SECRET),
            data={
                "grant_type": "password",
                "username": "enhanced@example.com",
                "password": PASSWORD,
            },
        ).json()
        assert enhanced["owner_id"] == "22222232"
        features = httpx.get(
            f"{base}/restapi/v1.0/account/~/extension/~/features",
            params={"featureId": "NewCallHandlingAndForwarding"},
            headers={"Authorization": f"Bearer {enhanced['access_token']}"},
        ).json()
        assert features["records"][0]["params"] == [
            {"name": "isNewBackendAvailable", "value": "true"}
        ]
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert f"ringforward demo on http://127.0.0.1:{port}" in output
    for expected in (
        "admin@example.com",
        "user@example.com",
        PASSWORD,
        CLIENT_ID,
        CLIENT_SECRET,
        "/portal/",
        "ringforward jwt --extension 22222222",
        "account 11111111, legacy call handling",
        "account 11111112, enhanced call handling",
        f"enhanced@example.com / {PASSWORD}  (extension 22222232)",
        f"enhanced-user@example.com / {PASSWORD}  (extension 22222233)",
    ):
        assert expected in output, expected
