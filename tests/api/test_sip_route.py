"""The SIP proxy's decision endpoint answers from the same engine as call-flow/simulate."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.servers import TLS, LiveServer
from tests.support.spec import assert_ringcentral_error

SECRET = "test-proxy-secret"
HEADERS = {"X-Ringforward-Proxy-Secret": SECRET}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    directory: Path = tmp_path_factory.mktemp("route")
    started = LiveServer(
        f"sqlite:///{directory / 'ringforward.db'}",
        env={"RINGFORWARD_SIP_PROXY_SECRET": SECRET, "RINGFORWARD_CLOCK": "2026-11-30T10:00"},
    ).start()
    yield started
    started.stop()


def route(server: LiveServer, **params: str) -> httpx.Response:
    return httpx.get(
        f"{server.base_url}/internal/sip/route", params=params, headers=HEADERS, verify=TLS
    )


def test_stages_are_the_simulated_timeline(server: LiveServer) -> None:
    with server.client() as api:
        simulated = api.post(
            "/account/~/extension/~/call-flow/simulate", json={"at": "2026-11-30T10:00"}
        ).json()
    plan = route(server, to="+16505550101", secondsPerRing="5").json()
    cuts = sorted({s["start"] for s in simulated["steps"]} | {s["end"] for s in simulated["steps"]})
    assert [s["startMs"] for s in plan["stages"]] == [cut * 1000 for cut in cuts]
    assert plan["stages"][-1]["targets"] == [
        {"kind": "voicemail", "user": simulated["then"]["target"]}
    ]
    assert {"kind": "device", "user": "2222222201"} in plan["stages"][0]["targets"]
    # The configured clock decides when no time is given; an explicit one wins.
    evening = route(server, to="22222222", at="2026-11-30T20:00").json()
    assert evening["stages"] == [
        {"startMs": 0, "durationMs": None, "targets": [{"kind": "voicemail", "user": "22222222"}]}
    ]


def test_the_vip_caller_is_forwarded(server: LiveServer) -> None:
    plan = route(server, to="+16505550101", **{"from": "+14155550199"}).json()
    assert plan["stages"] == [
        {"startMs": 0, "durationMs": None, "targets": [{"kind": "gateway", "user": "+16505550100"}]}
    ]


def test_refusals(server: LiveServer) -> None:
    assert_ringcentral_error(route(server, to="+16505559999"), 404, "to")
    assert_ringcentral_error(route(server), 400, "to")
    assert_ringcentral_error(route(server, to="22222222", secondsPerRing="fast"), 400)
    assert_ringcentral_error(route(server, to="22222222", secondsPerRing="0"), 400)


def test_credentials_by_authorization_id(server: LiveServer) -> None:
    url = f"{server.base_url}/internal/sip/credentials"
    found = httpx.get(url, params={"authorizationId": "80000001"}, headers=HEADERS).json()
    assert found["userName"] == "2222222201" and found["password"] == "Demo-Sip-Passw0rd"
    missing = httpx.get(url, params={"authorizationId": "1"}, headers=HEADERS)
    assert_ringcentral_error(missing, 404)
