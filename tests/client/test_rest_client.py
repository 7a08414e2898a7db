"""The REST client: logins, refresh, revoke, RingCentral errors, and retry on 429."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from ringforward.client import (
    ClientError,
    ConnectionSettings,
    RetryPolicy,
    RingCentralClient,
    RingCentralError,
    TransportError,
)
from tests.client.helpers import jwt_credential
from tests.support.servers import CLIENT_ID, CLIENT_SECRET, PASSWORD, LiveServer, free_port

API = "/restapi/v1.0/account/~/extension/~"
RATE_LIMITED = {
    "errorCode": "CMN-301",
    "message": "Request rate exceeded",
    "errors": [{"errorCode": "CMN-301", "message": "Request rate exceeded"}],
}
Scripted = tuple[int, dict[str, str], dict[str, Any]]


class ScriptedServer:
    """A tiny HTTP server answering from a script and recording when each request came."""

    def __init__(self, script: list[Scripted]) -> None:
        self.script = list(script)
        self.arrivals: list[tuple[float, str, str]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                self.rfile.read(length)
                outer.arrivals.append((time.monotonic(), self.command, self.path))
                status, headers, body = outer.script.pop(0) if outer.script else (500, {}, {})
                payload = json.dumps(body).encode()
                self.send_response(status)
                for name, value in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = _answer

            def log_message(self, *_args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> ScriptedServer:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


TOKEN: Scripted = (200, {}, {"access_token": "a", "expires_in": 3600, "refresh_token": "r"})
OK: Scripted = (200, {}, {"id": "22222222"})


def logged_in(server: ScriptedServer, **options: Any) -> RingCentralClient:
    client = RingCentralClient(server.url, CLIENT_ID, CLIENT_SECRET, **options)
    client.login_password("admin@example.com", PASSWORD)
    return client


def test_429_is_retried_after_the_retry_after_seconds() -> None:
    with ScriptedServer([TOKEN, (429, {"Retry-After": "1"}, RATE_LIMITED), OK]) as server:
        client = logged_in(server)
        assert client.get(API).json() == {"id": "22222222"}
    (first, *_), (second, *_) = server.arrivals[1], server.arrivals[2]
    assert second - first >= 1.0


def test_429_with_an_http_date_retry_after_waits_until_that_date() -> None:
    waits: list[float] = []
    later = formatdate(time.time() + 30, usegmt=True)
    with ScriptedServer([TOKEN, (429, {"Retry-After": later}, RATE_LIMITED), OK]) as server:
        client = logged_in(server, sleep=waits.append)
        assert client.get(API).status_code == 200
    assert len(waits) == 1 and 28 <= waits[0] <= 30


def test_429_without_retry_after_waits_the_rate_limit_window() -> None:
    waits: list[float] = []
    headers = {
        "X-Rate-Limit-Group": "Light",
        "X-Rate-Limit-Limit": "50",
        "X-Rate-Limit-Remaining": "0",
        "X-Rate-Limit-Window": "7",
    }
    with ScriptedServer([TOKEN, (429, headers, RATE_LIMITED), OK]) as server:
        assert logged_in(server, sleep=waits.append).get(API).status_code == 200
    assert waits == [7.0]


def test_429_without_any_hint_backs_off_exponentially() -> None:
    waits: list[float] = []
    script = [TOKEN, (429, {}, RATE_LIMITED), (429, {}, RATE_LIMITED), OK]
    with ScriptedServer(script) as server:
        client = logged_in(server, sleep=waits.append, retry=RetryPolicy(backoff_seconds=0.5))
        assert client.get(API).status_code == 200
    assert waits == [0.5, 1.0]


def test_retries_are_bounded_and_the_last_429_is_raised_with_its_error_code() -> None:
    waits: list[float] = []
    script = [TOKEN, *[(429, {"Retry-After": "0"}, RATE_LIMITED)] * 5]
    with ScriptedServer(script) as server:
        client = logged_in(server, sleep=waits.append, retry=RetryPolicy(max_retries=2))
        with pytest.raises(RingCentralError) as raised:
            client.get(API)
    assert raised.value.status == 429 and raised.value.error_code == "CMN-301"
    assert len(server.arrivals) == 1 + 3 and waits == [0.0, 0.0]


def test_a_wait_longer_than_allowed_is_not_attempted() -> None:
    waits: list[float] = []
    script: list[Scripted] = [TOKEN, (429, {"Retry-After": "3600"}, RATE_LIMITED), OK]
    with ScriptedServer(script) as server, pytest.raises(RingCentralError) as raised:
        logged_in(server, sleep=waits.append).get(API)
    assert raised.value.status == 429 and waits == []


def test_the_token_request_is_retried_on_429_too() -> None:
    waits: list[float] = []
    with ScriptedServer([(429, {"Retry-After": "2"}, RATE_LIMITED), TOKEN, OK]) as server:
        assert logged_in(server, sleep=waits.append).get(API).status_code == 200
    assert waits == [2.0]


def test_an_unreachable_server_is_a_transport_error() -> None:
    client = RingCentralClient(f"http://127.0.0.1:{free_port()}", CLIENT_ID, CLIENT_SECRET)
    with pytest.raises(TransportError, match="Cannot reach"):
        client.login_password("admin@example.com", PASSWORD)


def test_settings_come_from_ringcentral_variables_and_flags_override_them() -> None:
    environ = {
        "RINGCENTRAL_SERVER_URL": "https://example.test",
        "RINGCENTRAL_CLIENT_ID": "id",
        "RINGCENTRAL_CLIENT_SECRET": "secret",
        "RINGCENTRAL_USERNAME": "user@example.com",
        "RINGCENTRAL_EXTENSION": "101",
        "RINGCENTRAL_PASSWORD": "pw",
        "RINGCENTRAL_JWT_TOKEN": "",
    }
    settings = ConnectionSettings.from_env(environ, server_url="http://127.0.0.1:1", jwt=None)
    assert settings == ConnectionSettings(
        "http://127.0.0.1:1", "id", "secret", None, "user@example.com", "101", "pw"
    )
    assert settings.problems() == []
    assert settings.redacted().password == "***"
    assert len(ConnectionSettings.from_env({}).problems()) == 3


# -- against a live server -------------------------------------------------------------------


@pytest.fixture
def client(shared_server: LiveServer) -> Iterator[RingCentralClient]:
    settings = ConnectionSettings(
        shared_server.base_url, CLIENT_ID, CLIENT_SECRET, None, "admin@example.com", None, PASSWORD
    )
    with RingCentralClient.connect(settings) as connected:
        yield connected


def test_password_login_refresh_and_revoke(client: RingCentralClient) -> None:
    assert client.token is not None and client.token.owner_id == "22222222"
    first = client.token.access_token
    assert client.get(API).json()["id"] == 22222222
    client.refresh()
    assert client.token.access_token != first
    assert client.get(API).json()["id"] == 22222222
    client.revoke()
    assert client.token is None
    with pytest.raises(ClientError, match="Not logged in"):
        client.get(API)


def test_a_revoked_access_token_is_refused_with_a_ringcentral_error(
    client: RingCentralClient,
) -> None:
    assert client.token is not None
    kept = client.token
    client.revoke()
    client.token = kept.__class__(kept.access_token, None, None, None)
    with pytest.raises(RingCentralError) as raised:
        client.get(API)
    assert raised.value.status == 401 and raised.value.error_code


def test_an_expired_access_token_is_refreshed_once_on_401(client: RingCentralClient) -> None:
    assert client.token is not None
    client.token = client.token.__class__("not-a-token", client.token.refresh_token, None, None)
    assert client.get(API).json()["id"] == 22222222
    assert client.token.access_token != "not-a-token"


def test_jwt_login(shared_server: LiveServer) -> None:
    settings = ConnectionSettings(
        shared_server.base_url, CLIENT_ID, CLIENT_SECRET, jwt_credential(shared_server)
    )
    with RingCentralClient.connect(settings) as connected:
        assert connected.get(API).json()["extensionNumber"] == "101"


def test_a_wrong_password_is_an_oauth_error(shared_server: LiveServer) -> None:
    settings = ConnectionSettings(
        shared_server.base_url, CLIENT_ID, CLIENT_SECRET, None, "admin@example.com", None, "no"
    )
    with pytest.raises(RingCentralError) as raised:
        RingCentralClient.connect(settings)
    assert raised.value.status in (400, 401)
    assert raised.value.error_code and raised.value.error_code.startswith("OAU-")


def test_errors_carry_error_code_message_parameter_name_and_status(
    client: RingCentralClient,
) -> None:
    body = {"forwarding": {"rules": [{"ringCount": 99, "forwardingNumbers": [{"id": "33333333"}]}]}}
    with pytest.raises(RingCentralError) as raised:
        client.put(f"{API}/answering-rule/business-hours-rule", json=body)
    error = raised.value
    assert error.status == 400 and error.error_code == "CMN-101"
    assert error.parameter_name == "forwarding.rules[0].ringCount"
    assert "ringCount" in error.message and "CMN-101 (HTTP 400)" in str(error)
    assert error.errors and error.errors[0].parameter_name == error.parameter_name


def test_a_plain_put_without_if_match_works_on_a_server_with_etags(
    client: RingCentralClient,
) -> None:
    path = f"{API}/answering-rule/business-hours-rule"
    assert client.get(path).headers.get("etag")
    response = client.put(path, json={"forwarding": {"ringingMode": "Sequentially"}})
    assert response.status_code == 200 and "If-Match" not in response.request.headers


def test_paged_records_are_all_read(client: RingCentralClient) -> None:
    records = list(client.records(f"{API}/forwarding-number", per_page=1))
    listed = client.get(f"{API}/forwarding-number", params={"perPage": 1000}).json()["records"]
    assert [r["id"] for r in records] == [r["id"] for r in listed]
