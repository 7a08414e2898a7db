"""Security basics: hashed secrets at rest, token expiry and revocation, nothing secret logged."""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from argon2 import extract_parameters
from sqlalchemy.engine import make_url

from ringforward.service import secrets
from ringforward.service.secrets import hash_password, same_secret, verify_password
from tests.support.cli import jwt_credential
from tests.support.servers import CLIENT_ID, CLIENT_SECRET, PASSWORD, TLS, LiveServer
from tests.support.spec import assert_ringcentral_error

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server process logging at debug level, so that the log test sees everything it
    writes."""
    directory = tmp_path_factory.mktemp("security")
    running = LiveServer(
        f"sqlite:///{directory / 'ringforward.db'}",
        env={"RINGFORWARD_LOG_LEVEL": "debug"},
        log_path=directory / "server.log",
        process=True,
    ).start()
    yield running
    running.stop()


def database_path(server: LiveServer) -> Path:
    return Path(str(make_url(server.db_url).database))


def query(server: LiveServer, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(database_path(server)) as connection:
        return connection.execute(sql, args).fetchall()


def stored_bytes(server: LiveServer) -> bytes:
    """The database as it lies on disk, write-ahead log included."""
    path = database_path(server)
    return b"".join(
        candidate.read_bytes()
        for candidate in (path, path.with_name(path.name + "-wal"))
        if candidate.exists()
    )


def grant(server: LiveServer, **form: str) -> httpx.Response:
    return httpx.post(
        f"{server.base_url}/restapi/oauth/token",
        auth=(CLIENT_ID, CLIENT_SECRET),
        data=form,
        verify=TLS,
    )


def login(server: LiveServer, email: str = "user@example.com") -> dict[str, Any]:
    response = grant(server, grant_type="password", username=email, password=PASSWORD)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def read_own_extension(server: LiveServer, access_token: str) -> httpx.Response:
    return httpx.get(
        f"{server.base_url}/restapi/v1.0/account/~/extension/~",
        headers={"Authorization": f"Bearer {access_token}"},
        verify=TLS,
    )


def revoke(server: LiveServer, token: str) -> None:
    response = httpx.post(
        f"{server.base_url}/restapi/oauth/revoke",
        auth=(CLIENT_ID, CLIENT_SECRET),
        data={"token": token},
    )
    assert response.status_code == 200


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def test_passwords_and_client_secrets_are_stored_as_argon2id_hashes(server: LiveServer) -> None:
    hashes = [row[0] for row in query(server, "SELECT password_hash FROM extensions")]
    hashes += [row[0] for row in query(server, "SELECT secret_hash FROM apps")]
    assert hashes and all(value.startswith("$argon2id$") for value in hashes)
    on_disk = stored_bytes(server)
    assert PASSWORD.encode() not in on_disk
    assert CLIENT_SECRET.encode() not in on_disk


def test_tokens_are_stored_only_as_sha256_digests(server: LiveServer) -> None:
    tokens = login(server)
    stored = {row[0] for row in query(server, "SELECT token_hash FROM tokens")}
    on_disk = stored_bytes(server)
    for name in ("access_token", "refresh_token"):
        assert digest(tokens[name]) in stored
        assert tokens[name].encode() not in on_disk


def test_an_expired_access_token_is_refused(server: LiveServer) -> None:
    tokens = login(server)
    assert read_own_extension(server, tokens["access_token"]).status_code == 200
    expire = "UPDATE tokens SET expires_at = ? WHERE token_hash = ?"
    query(server, expire, time.time() - 1, digest(tokens["access_token"]))
    refused = read_own_extension(server, tokens["access_token"])
    assert assert_ringcentral_error(refused, 401)["message"] == "Token expired"
    assert refused.headers["WWW-Authenticate"] == "Bearer"


def test_an_expired_refresh_token_is_refused(server: LiveServer) -> None:
    tokens = login(server)
    expire = "UPDATE tokens SET expires_at = ? WHERE token_hash = ?"
    query(server, expire, time.time() - 1, digest(tokens["refresh_token"]))
    refused = grant(server, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"


def test_revoking_either_token_ends_the_whole_session(server: LiveServer) -> None:
    for revoked in ("access_token", "refresh_token"):
        tokens = login(server)
        revoke(server, tokens[revoked])
        assert_ringcentral_error(read_own_extension(server, tokens["access_token"]), 401)
        again = grant(server, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
        assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_a_used_refresh_token_does_not_work_twice(server: LiveServer) -> None:
    tokens = login(server)
    first = grant(server, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert first.status_code == 200
    assert read_own_extension(server, first.json()["access_token"]).status_code == 200
    second = grant(server, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert second.status_code == 400
    # Rotation ended the old session's access token too.
    assert read_own_extension(server, tokens["access_token"]).status_code == 401


def test_a_wrong_client_secret_is_refused_like_a_wrong_client(server: LiveServer) -> None:
    form = {"grant_type": "password", "username": "user@example.com", "password": PASSWORD}
    statuses = []
    for auth in ((CLIENT_ID, "not-the-secret"), ("no-such-client", CLIENT_SECRET)):
        response = httpx.post(f"{server.base_url}/restapi/oauth/token", auth=auth, data=form)
        statuses.append((response.status_code, response.json()["error"]))
    assert statuses == [(401, "invalid_client")] * 2


def test_secrets_are_compared_in_constant_time_and_unknown_users_cost_a_hash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert same_secret("abc", "abc") and not same_secret("abc", "abd")
    # An unknown login still runs a full argon2 verification (against a dummy hash made
    # with the same cost), so a missing account answers no faster than a wrong password.
    checked: list[str] = []
    real = secrets._hasher
    another_password = hash_password("Another-Passw0rd")

    class CountingHasher:
        def verify(self, stored: str, password: str) -> bool:
            checked.append(stored)
            return real.verify(stored, password)

    monkeypatch.setattr(secrets, "_hasher", CountingHasher())
    assert verify_password(None, PASSWORD) is False
    assert verify_password(another_password, PASSWORD) is False
    unknown, wrong = checked
    assert unknown.startswith("$argon2id$")
    assert extract_parameters(unknown) == extract_parameters(wrong)


def test_no_secret_reaches_the_server_log(server: LiveServer) -> None:
    jwt = jwt_credential(server.db_url, "22222222")
    password_login = login(server, "admin@example.com")
    jwt_login = grant(server, grant_type=JWT_GRANT, assertion=jwt).json()
    refreshed = grant(
        server, grant_type="refresh_token", refresh_token=password_login["refresh_token"]
    ).json()
    wrong_password = "Wrong-Passw0rd-7f3a"
    grant(server, grant_type="password", username="admin@example.com", password=wrong_password)
    read_own_extension(server, jwt_login["access_token"])
    read_own_extension(server, "forged-token-4c1d")
    revoke(server, jwt_login["refresh_token"])
    signing_secret = query(server, "SELECT value FROM settings WHERE key = 'jwt_signing_secret'")

    log = Path(str(server.log_path)).read_text(errors="replace")
    secrets = [PASSWORD, CLIENT_SECRET, jwt, wrong_password, "forged-token-4c1d"]
    secrets += [signing_secret[0][0]]
    for tokens in (password_login, jwt_login, refreshed):
        secrets += [tokens["access_token"], tokens["refresh_token"]]
    for secret in secrets:
        assert secret not in log, f"a secret ({secret[:4]}…) is in the server log"
        assert digest(secret) not in log
    assert "ringforward listening" in log  # the log really is this server's
