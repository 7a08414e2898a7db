"""v2 comm-handling under --strict-ringcentral (no ETag) and under RingCentral's rate limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.comm_rest import (
    ENHANCED,
    STATE_RULE_SPEC,
    ring_group,
    root_client,
    v2,
    voicemail,
)
from tests.support.servers import LiveServer
from tests.support.spec import assert_matches_spec, assert_ringcentral_error

RULE = f"{v2()}/voice/state-rules/work-hours"


def test_strict_mode_serves_v2_without_etags(tmp_path: Path) -> None:
    server = LiveServer(
        f"sqlite:///{tmp_path / 'strict.db'}",
        extra_args=["--strict-ringcentral"],
        log_path=tmp_path / "server.log",
    ).start()
    try:
        with root_client(server, ENHANCED) as client:
            read = client.get(RULE)
            assert_matches_spec(read, STATE_RULE_SPEC)
            assert "etag" not in read.headers
            body = {
                "dispatching": {
                    "type": "RingInOrder",
                    "actions": [ring_group("+12125550150"), voicemail()],
                }
            }
            # If-Match is our extension: strict mode ignores it like RingCentral would.
            patched = client.patch(RULE, json=body, headers={"If-Match": '"stale"'})
            assert_matches_spec(patched, STATE_RULE_SPEC)
            assert "etag" not in patched.headers
    finally:
        server.stop()


@pytest.mark.parametrize("method", ["GET", "PATCH"])
def test_v2_operations_are_throttled_in_their_documented_group(tmp_path: Path, method: str) -> None:
    server = LiveServer(
        f"sqlite:///{tmp_path / 'limits.db'}",
        extra_args=["--rate-limits", "default"],
        log_path=tmp_path / "server.log",
    ).start()
    try:
        with root_client(server, ENHANCED) as client:
            body = {"dispatching": client.get(RULE).json()["dispatching"]}
            for _ in range(39):
                response = client.request(method, RULE, json=body if method == "PATCH" else None)
                assert response.headers["X-Rate-Limit-Group"] == "Medium"
            refused = client.request(method, RULE, json=body if method == "PATCH" else None)
            assert_ringcentral_error(refused, 429)
    finally:
        server.stop()
