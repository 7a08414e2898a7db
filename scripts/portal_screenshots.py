"""Screenshots of the portal's call-handling page at phone and desktop widths, for the docs.

Run: ``uv run python scripts/portal_screenshots.py`` (needs /usr/bin/chromium). It starts a
demo server on a throw-away SQLite database, arranges a small forwarding list through the
REST API, signs in to the portal and writes docs/call-handling-375.png and -1280.png.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PASSWORD = "Demo-Passw0rd"
ADMIN_ID = "22222222"
WIDTHS = {375: 812, 1280: 900}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(db_path: Path, port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "ringforward.cli.main", "serve", "--demo"]
    command += ["--port", str(port), "--db", f"sqlite:///{db_path}"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/restapi", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the demo server did not start")


def arrange(base: str) -> None:
    """A forwarding list worth looking at: a ring group, a single step, an idle number."""
    token = httpx.post(
        f"{base}/restapi/oauth/token",
        auth=("demo-client-id", "demo-client-secret"),
        data={"grant_type": "password", "username": "admin@example.com", "password": PASSWORD},
    ).json()["access_token"]
    with httpx.Client(
        base_url=f"{base}/restapi/v1.0/account/~/extension/{ADMIN_ID}",
        headers={"Authorization": f"Bearer {token}"},
    ) as client:
        ids = []
        for phone, label, kind in (
            ("+12125550100", "Desk phone", "Other"),
            ("+14155550142", "", "Mobile"),
            ("+16505550177", "Front office", "Other"),
        ):
            response = client.post(
                "/forwarding-number", json={"phoneNumber": phone, "label": label, "type": kind}
            )
            response.raise_for_status()
            ids.append(response.json()["id"])
        client.put(
            "/answering-rule/business-hours-rule",
            json={
                "forwarding": {
                    "rules": [
                        {
                            "index": 1,
                            "ringCount": 3,
                            "forwardingNumbers": [{"id": "33333333"}, {"id": ids[0]}],
                        },
                        {"index": 2, "ringCount": 5, "forwardingNumbers": [{"id": ids[1]}]},
                    ]
                }
            },
        ).raise_for_status()


def capture(base: str) -> None:
    DOCS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        for width, height in WIDTHS.items():
            context = browser.new_context(
                viewport={"width": width, "height": height}, device_scale_factor=1
            )
            page = context.new_page()
            page.goto(f"{base}/portal/")
            page.get_by_label("Email").fill("admin@example.com")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url("**/portal/extensions")
            page.goto(
                f"{base}/portal/extensions/{ADMIN_ID}/call-handling"
                "?rule=business-hours-rule&at=2026-11-30T10:00"
            )
            page.get_by_label("Select +16505550177").check()
            page.screenshot(path=str(DOCS / f"call-handling-{width}.png"), full_page=True)
            context.close()
        browser.close()


def main() -> None:
    port = free_port()
    with tempfile.TemporaryDirectory() as directory:
        process = start_server(Path(directory) / "screenshots.db", port)
        try:
            base = f"http://127.0.0.1:{port}"
            arrange(base)
            capture(base)
        finally:
            process.terminate()
            process.wait(timeout=15)
    for width in WIDTHS:
        print(DOCS / f"call-handling-{width}.png")


if __name__ == "__main__":
    main()
