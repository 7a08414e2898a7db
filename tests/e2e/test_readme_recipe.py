"""The README's curl recipe works verbatim against a demo server."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from tests.support.servers import LiveServer

README = Path(__file__).resolve().parents[2] / "README.md"


def recipe_script() -> str:
    text = README.read_text()
    block = re.search(r"<!-- recipe:start -->\s*```sh\n(.*?)```", text, re.S)
    assert block, "README has no recipe block"
    return block.group(1)


def json_documents(text: str) -> list[dict[str, object]]:
    """The JSON objects curl printed back to back (curl adds no newline)."""
    decoder, documents, position = json.JSONDecoder(), [], 0
    while (start := text.find("{", position)) != -1:
        document, position = decoder.raw_decode(text, start)
        documents.append(document)
    return documents


def test_readme_curl_recipe_makes_one_ring_group(live_server: LiveServer) -> None:
    script = recipe_script()
    assert "BASE=http://127.0.0.1:8080" in script
    # The only change: the demo's port is taken by the test's own server port.
    script = script.replace("BASE=http://127.0.0.1:8080", f"BASE={live_server.base_url}")
    result = subprocess.run(["bash", "-eu", "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    created, _read, updated = json_documents(result.stdout)
    assert created["id"] == "44444444"
    group = updated["forwarding"]["rules"]
    assert len(group) == 1
    assert [n["id"] for n in group[0]["forwardingNumbers"]] == ["33333333", "44444444"]
    with live_server.client() as client:
        rule = client.get("/account/~/extension/~/answering-rule/business-hours-rule").json()
    assert rule["forwarding"]["rules"] == group
