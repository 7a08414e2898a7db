"""Rate limits by throttling group, per user and app, with RingCentral's headers and 429."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ringforward.api.ratelimit import parse_overrides, storage_url
from ringforward.api.service_spec import throttling_group
from tests.support.servers import LiveServer
from tests.support.spec import assert_ringcentral_error

RULE = "/account/~/extension/~/answering-rule/business-hours-rule"
HEADERS = ("X-Rate-Limit-Group", "X-Rate-Limit-Limit", "X-Rate-Limit-Remaining")
REQUIRE_REDIS = os.environ.get("RINGFORWARD_REQUIRE_REDIS") == "1"


def limited_server(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None, process: bool = False
) -> LiveServer:
    return LiveServer(
        f"sqlite:///{tmp_path / 'ringforward.db'}",
        extra_args=["--rate-limits", "default", *args],
        env=env or {},
        log_path=tmp_path / "server.log",
        process=process,
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    running = limited_server(tmp_path_factory.mktemp("limits")).start()
    yield running
    running.stop()


def assert_rate_headers(response: httpx.Response, group: str, limit: int) -> int:
    assert response.headers["X-Rate-Limit-Group"] == group, response.headers
    assert response.headers["X-Rate-Limit-Limit"] == str(limit)
    assert response.headers["X-Rate-Limit-Window"] == "60"
    return int(response.headers["X-Rate-Limit-Remaining"])


def test_the_51st_light_call_within_a_minute_is_429_while_medium_calls_pass(
    server: LiveServer,
) -> None:
    with server.client("admin@example.com") as client:
        remaining = [assert_rate_headers(client.get(RULE), "Light", 50) for _ in range(50)]
        assert remaining == list(range(49, -1, -1))

        refused = client.get(RULE)
        body = assert_ringcentral_error(refused, 429)
        assert body["errorCode"] == "CMN-301"
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert assert_rate_headers(refused, "Light", 50) == 0
        # Another Light operation shares the spent budget.
        assert client.get("/account/~/extension/~").status_code == 429

        medium = client.get("/account/~/extension/~/answering-rule")
        assert medium.status_code == 200
        assert assert_rate_headers(medium, "Medium", 40) == 39


def test_each_user_has_a_budget_of_its_own(server: LiveServer) -> None:
    with server.client("user@example.com") as client:
        response = client.get(RULE)
    assert response.status_code == 200
    assert assert_rate_headers(response, "Light", 50) == 49


def test_errors_and_unknown_paths_carry_the_headers_too(server: LiveServer) -> None:
    with server.client("other@example.com") as client:
        foreign = client.get("/account/11111111/extension/22222222")
        assert foreign.status_code == 404
        assert_rate_headers(foreign, "Light", 50)
        unknown = client.get("/no-such-resource")
        assert unknown.status_code == 404
        assert_rate_headers(unknown, "Light", 50)
    anonymous = httpx.get(f"{server.base_url}/restapi/v1.0/account/~")
    assert anonymous.status_code == 401
    assert_rate_headers(anonymous, "Light", 50)


def test_the_token_endpoint_is_in_the_auth_group(server: LiveServer) -> None:
    statuses = []
    for _ in range(6):
        response = httpx.post(
            f"{server.base_url}/restapi/oauth/token",
            auth=("auth-group-test-client", "wrong"),
            data={"grant_type": "password", "username": "x@example.com", "password": "x"},
        )
        statuses.append(response.status_code)
        assert response.headers["X-Rate-Limit-Group"] == "Auth"
    assert statuses == [401] * 5 + [429]
    assert "Retry-After" in response.headers


def test_version_endpoints_are_not_throttled(server: LiveServer) -> None:
    response = httpx.get(f"{server.base_url}/restapi")
    assert response.status_code == 200
    assert "X-Rate-Limit-Group" not in response.headers


def test_overrides_change_a_group_limit(tmp_path: Path) -> None:
    running = limited_server(tmp_path, env={"RINGFORWARD_RATE_LIMIT_OVERRIDES": "Light=3"})
    running.start()
    try:
        with running.client() as client:
            statuses = [client.get(RULE).status_code for _ in range(4)]
            medium = client.get("/account/~/extension/~/answering-rule")
        assert statuses == [200, 200, 200, 429]
        assert assert_rate_headers(medium, "Medium", 40) == 39
    finally:
        running.stop()


def test_off_by_default_means_no_headers(tmp_path: Path) -> None:
    running = LiveServer(f"sqlite:///{tmp_path / 'db.sqlite'}").start()
    try:
        with running.client() as client:
            response = client.get(RULE)
        assert response.status_code == 200
        assert not any(name in response.headers for name in HEADERS)
    finally:
        running.stop()


def redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A Redis URL with a key prefix of its own; the test's keys are deleted afterwards."""
    if not redis_available():
        if REQUIRE_REDIS:
            pytest.fail("Redis is required (RINGFORWARD_REQUIRE_REDIS=1) but not reachable")
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    prefix = f"ringforward-test-{uuid.uuid4().hex[:12]}"
    yield f"redis://127.0.0.1:6379/0?prefix={prefix}"
    import redis

    connection = redis.Redis(host="127.0.0.1", port=6379, db=0)
    keys = list(connection.scan_iter(match=f"{prefix}*"))
    if keys:
        connection.delete(*keys)
    connection.close()


def test_two_server_processes_sharing_redis_share_one_budget(
    tmp_path: Path, redis_url: str
) -> None:
    args = ("--rate-limit-storage", redis_url)
    env = {"RINGFORWARD_RATE_LIMIT_OVERRIDES": "Light=6"}
    first = limited_server(tmp_path, *args, env=env, process=True).start()
    # Started after the first, on the same database, so the demo data is loaded only once.
    second = limited_server(tmp_path, *args, env=env, process=True).start()
    try:
        token = first.token()
        headers = {"Authorization": f"Bearer {token}"}
        statuses = []
        for index in range(8):
            base = (first if index % 2 == 0 else second).base_url
            response = httpx.get(f"{base}/restapi/v1.0{RULE}", headers=headers)
            statuses.append(response.status_code)
        assert statuses == [200] * 6 + [429, 429]
        assert response.headers["X-Rate-Limit-Remaining"] == "0"
    finally:
        second.stop()
        first.stop()


def test_overrides_are_parsed_and_checked() -> None:
    limits = parse_overrides("Light=100, Heavy=5/30")
    assert (limits["Light"].amount, limits["Light"].window) == (100, 60)
    assert (limits["Heavy"].amount, limits["Heavy"].window) == (5, 30)
    assert parse_overrides("") == {}
    with pytest.raises(ValueError, match="GROUP=REQUESTS"):
        parse_overrides("Light=many")


def test_storage_urls_map_to_the_async_storages() -> None:
    assert storage_url("memory://") == ("async+memory://", {})
    assert storage_url("redis://h:6379/1?prefix=p") == (
        "async+redis://h:6379/1",
        {"key_prefix": "p"},
    )


def test_every_operation_has_its_documented_group() -> None:
    extension = "/restapi/v1.0/account/~/extension/22222222"
    assert throttling_group("GET", f"{extension}/answering-rule/x") == "Light"
    assert throttling_group("PUT", f"{extension}/answering-rule/x") == "Medium"
    assert throttling_group("PATCH", f"{extension}/answering-rule/x") == "Medium"
    assert throttling_group("GET", f"{extension}/answering-rule/x/history") == "Light"
    assert throttling_group("POST", f"{extension}/answering-rule/x/history/3/revert") == "Medium"
    assert throttling_group("POST", f"{extension}/call-flow/simulate") == "Light"
    assert throttling_group("POST", "/restapi/oauth/token") == "Auth"
    assert throttling_group("GET", "/restapi") == "NoThrottling"
    assert throttling_group("GET", "/portal/") is None
