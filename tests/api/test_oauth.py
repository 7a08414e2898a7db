"""OAuth: password, JWT and refresh grants, revocation, and every way a token is refused."""

from __future__ import annotations

import sqlite3
import time
from typing import Any

import httpx
import jwt
import pytest

from ringforward.service.secrets import hash_token
from tests.support import cli
from tests.support.rest import (
    ADMIN,
    ADMIN_EXT,
    NUMBERS_SPEC,
    REVOKE_SPEC,
    TOKEN_SPEC,
    USER_EXT,
    assert_refused,
    numbers_path,
    unchanged,
)
from tests.support.servers import CLIENT_ID, CLIENT_SECRET, PASSWORD, TLS, LiveServer
from tests.support.spec import assert_matches_spec

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
PASSWORD_FORM = {"grant_type": "password", "username": ADMIN, "password": PASSWORD}


def token_url(server: LiveServer, endpoint: str = "token") -> str:
    return f"{server.base_url}/restapi/oauth/{endpoint}"


def grant(server: LiveServer, form: dict[str, str], **kwargs: Any) -> httpx.Response:
    kwargs.setdefault("auth", (CLIENT_ID, CLIENT_SECRET))
    kwargs.setdefault("verify", TLS)
    return httpx.post(token_url(server), data=form, **kwargs)


def tokens(server: LiveServer, form: dict[str, str] = PASSWORD_FORM) -> dict[str, Any]:
    body: dict[str, Any] = assert_matches_spec(grant(server, form), TOKEN_SPEC)
    return body


def api(server: LiveServer, access_token: str) -> httpx.Client:
    return httpx.Client(
        base_url=f"{server.base_url}/restapi/v1.0",
        headers={"Authorization": f"Bearer {access_token}"},
    )


def assert_oauth_error(response: httpx.Response, status: int, error: str) -> dict[str, Any]:
    """A RingCentral error body with OAuth's ``error``/``error_description`` added."""
    body = assert_refused(response, status, spec_path=TOKEN_SPEC)
    assert body["error"] == error and body["error_description"], body
    return body


def sqlite_path(server: LiveServer) -> str:
    return server.db_url.removeprefix("sqlite:///")


def expire(server: LiveServer, token: str) -> None:
    """Move a token's expiry into the past, as an hour of waiting would."""
    with sqlite3.connect(sqlite_path(server), timeout=30) as connection:
        connection.execute(
            "UPDATE tokens SET expires_at = ? WHERE token_hash = ?",
            (time.time() - 1, hash_token(token)),
        )


@pytest.fixture(scope="module")
def admin_jwt(shared_server: LiveServer) -> str:
    """One JWT credential of the admin for the module (the CLI takes seconds to start)."""
    return jwt_credential(shared_server, ADMIN_EXT)


def jwt_credential(server: LiveServer, extension: str) -> str:
    return cli.jwt_credential(server.db_url, extension)


# --- grants ----------------------------------------------------------------------------


def test_password_grant_answers_tokens_for_the_extension(shared_server: LiveServer) -> None:
    body = tokens(shared_server)
    assert body["token_type"] == "bearer" and body["owner_id"] == ADMIN_EXT
    assert body["expires_in"] == 3600 and body["refresh_token_expires_in"] == 604800
    with api(shared_server, body["access_token"]) as client:
        assert client.get("/account/~/extension/~").json()["id"] == int(ADMIN_EXT)


def test_password_grant_takes_client_credentials_in_the_form_too(
    shared_server: LiveServer,
) -> None:
    form = {**PASSWORD_FORM, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    body = assert_matches_spec(grant(shared_server, form, auth=None), TOKEN_SPEC)
    assert body["owner_id"] == ADMIN_EXT


def test_password_grant_with_main_number_and_extension_number(shared_server: LiveServer) -> None:
    form = {**PASSWORD_FORM, "username": "+16505550000", "extension": "102"}
    assert tokens(shared_server, form)["owner_id"] == USER_EXT


def test_requested_ttls_are_honoured_within_limits(shared_server: LiveServer) -> None:
    form = {**PASSWORD_FORM, "access_token_ttl": "900", "refresh_token_ttl": "7200"}
    body = tokens(shared_server, form)
    assert body["expires_in"] == 900 and body["refresh_token_expires_in"] == 7200
    clamped = tokens(shared_server, {**PASSWORD_FORM, "access_token_ttl": "99999"})
    assert clamped["expires_in"] == 3600


def test_jwt_grant_with_a_credential_from_the_cli(shared_server: LiveServer) -> None:
    assertion = jwt_credential(shared_server, USER_EXT)
    body = tokens(shared_server, {"grant_type": JWT_GRANT, "assertion": assertion})
    assert body["owner_id"] == USER_EXT
    with api(shared_server, body["access_token"]) as client:
        assert client.get("/account/~/extension/~").json()["id"] == int(USER_EXT)


def test_refresh_rotates_the_refresh_token(shared_server: LiveServer) -> None:
    first = tokens(shared_server)
    refresh_form = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    second = tokens(shared_server, refresh_form)
    assert second["access_token"] != first["access_token"]
    assert second["refresh_token"] != first["refresh_token"]
    assert second["owner_id"] == ADMIN_EXT
    with api(shared_server, second["access_token"]) as client:
        assert client.get("/account/~").status_code == 200
    assert_oauth_error(grant(shared_server, refresh_form), 400, "invalid_grant")
    # Refreshing ends the old session: its access token stops working as well.
    with api(shared_server, first["access_token"]) as client:
        assert_refused(client.get("/account/~"), 401)
    third = tokens(
        shared_server, {"grant_type": "refresh_token", "refresh_token": second["refresh_token"]}
    )
    assert third["owner_id"] == ADMIN_EXT


def test_a_refused_refresh_does_not_use_up_the_refresh_token(shared_server: LiveServer) -> None:
    first = tokens(shared_server)
    form = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    assert_oauth_error(grant(shared_server, form, auth=(CLIENT_ID, "wrong")), 401, "invalid_client")
    with api(shared_server, first["access_token"]) as client:
        assert client.get("/account/~").status_code == 200, "the session is untouched"
    assert tokens(shared_server, form)["owner_id"] == ADMIN_EXT


def test_an_access_token_is_not_a_refresh_token(shared_server: LiveServer) -> None:
    first = tokens(shared_server)
    form = {"grant_type": "refresh_token", "refresh_token": first["access_token"]}
    assert_oauth_error(grant(shared_server, form), 400, "invalid_grant")


def test_an_expired_refresh_token_is_refused(shared_server: LiveServer) -> None:
    first = tokens(shared_server)
    expire(shared_server, first["refresh_token"])
    form = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    assert_oauth_error(grant(shared_server, form), 400, "invalid_grant")


# --- revocation ------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["access_token", "refresh_token"])
def test_revoking_either_token_ends_the_session(shared_server: LiveServer, which: str) -> None:
    body = tokens(shared_server)
    response = httpx.post(
        token_url(shared_server, "revoke"),
        auth=(CLIENT_ID, CLIENT_SECRET),
        data={"token": body[which]},
    )
    assert response.status_code == 200
    with api(shared_server, body["access_token"]) as client:
        assert_refused(client.get("/account/~"), 401)
    form = {"grant_type": "refresh_token", "refresh_token": body["refresh_token"]}
    assert_oauth_error(grant(shared_server, form), 400, "invalid_grant")


def test_revoking_an_unknown_token_is_harmless(shared_server: LiveServer) -> None:
    response = httpx.post(
        token_url(shared_server, "revoke"), auth=(CLIENT_ID, CLIENT_SECRET), data={"token": "x"}
    )
    assert response.status_code == 200


def test_revoke_needs_the_client_credentials_and_a_token(shared_server: LiveServer) -> None:
    url = token_url(shared_server, "revoke")
    body = tokens(shared_server)
    wrong = httpx.post(url, auth=(CLIENT_ID, "wrong"), data={"token": body["access_token"]})
    assert_refused(wrong, 401, spec_path=REVOKE_SPEC)
    assert wrong.json()["error"] == "invalid_client"
    missing = httpx.post(url, auth=(CLIENT_ID, CLIENT_SECRET), data={"token": ""})
    assert_refused(missing, 400, "token", spec_path=REVOKE_SPEC)
    with api(shared_server, body["access_token"]) as client:
        assert client.get("/account/~").status_code == 200, "nothing was revoked"


# --- refused grants --------------------------------------------------------------------


@pytest.mark.parametrize(
    "credentials",
    [
        {"auth": (CLIENT_ID, "wrong-secret")},
        {"auth": ("no-such-client", CLIENT_SECRET)},
        {"auth": None},
        {"auth": None, "headers": {"Authorization": "Basic !!not-base64!!"}},
        {"auth": ("", "")},
    ],
    ids=["wrong secret", "unknown client", "no credentials", "malformed basic", "empty"],
)
def test_bad_client_credentials_are_401_invalid_client(
    shared_server: LiveServer, credentials: dict[str, Any]
) -> None:
    response = grant(shared_server, PASSWORD_FORM, **credentials)
    assert_oauth_error(response, 401, "invalid_client")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "form",
    [
        {**PASSWORD_FORM, "password": "wrong"},
        {**PASSWORD_FORM, "username": "nobody@example.com"},
        {**PASSWORD_FORM, "username": "+16505550000", "extension": "999"},
    ],
    ids=["wrong password", "unknown user", "unknown extension number"],
)
def test_bad_resource_owner_credentials_are_400_invalid_grant(
    shared_server: LiveServer, form: dict[str, str]
) -> None:
    assert_oauth_error(grant(shared_server, form), 400, "invalid_grant")


@pytest.mark.parametrize("grant_type", ["client_credentials", "authorization_code", "magic"])
def test_an_unsupported_grant_type_is_400(shared_server: LiveServer, grant_type: str) -> None:
    response = grant(shared_server, {"grant_type": grant_type})
    body = assert_oauth_error(response, 400, "unsupported_grant_type")
    assert body["errors"][0]["parameterName"] == "grant_type"


@pytest.mark.parametrize(
    ("form", "parameter"),
    [
        ({"username": ADMIN, "password": PASSWORD}, "grant_type"),
        ({"grant_type": "password", "password": PASSWORD}, "username"),
        ({"grant_type": "password", "username": ADMIN}, "password"),
        ({"grant_type": JWT_GRANT}, "assertion"),
        ({"grant_type": "refresh_token"}, "refresh_token"),
        ({**PASSWORD_FORM, "access_token_ttl": "soon"}, "access_token_ttl"),
    ],
)
def test_a_missing_or_bad_parameter_is_400_invalid_request(
    shared_server: LiveServer, form: dict[str, str], parameter: str
) -> None:
    body = assert_oauth_error(grant(shared_server, form), 400, "invalid_request")
    assert body["errors"][0]["parameterName"] == parameter


def test_the_token_endpoint_takes_only_a_form(shared_server: LiveServer) -> None:
    response = httpx.post(
        token_url(shared_server), auth=(CLIENT_ID, CLIENT_SECRET), json=PASSWORD_FORM
    )
    assert_oauth_error(response, 415, "invalid_request")


def test_an_oversize_token_request_is_413(shared_server: LiveServer) -> None:
    form = {**PASSWORD_FORM, "padding": "x" * (1024 * 1024)}
    assert_oauth_error(grant(shared_server, form), 413, "invalid_request")


@pytest.mark.parametrize("problem", ["garbage", "wrong key", "expired", "no such extension"])
def test_a_bad_jwt_assertion_is_400_invalid_grant(
    shared_server: LiveServer, admin_jwt: str, problem: str
) -> None:
    claims = jwt.decode(admin_jwt, options={"verify_signature": False})
    with sqlite3.connect(sqlite_path(shared_server)) as connection:
        (secret,) = connection.execute(
            "SELECT value FROM settings WHERE key = 'jwt_signing_secret'"
        ).fetchone()
    assertion = {
        "garbage": "not.a.jwt",
        "wrong key": jwt.encode(claims, "another-secret-of-enough-length-32b", algorithm="HS256"),
        "expired": jwt.encode({**claims, "exp": int(time.time()) - 60}, secret, algorithm="HS256"),
        "no such extension": jwt.encode({**claims, "sub": "12345"}, secret, algorithm="HS256"),
    }[problem]
    form = {"grant_type": JWT_GRANT, "assertion": assertion}
    assert_oauth_error(grant(shared_server, form), 400, "invalid_grant")


# --- refused access tokens -------------------------------------------------------------


def refused_with(shared_server: LiveServer, headers: dict[str, str]) -> None:
    """A write with these headers is a 401 RingCentral error and changes nothing."""
    with shared_server.client(ADMIN) as admin, unchanged(admin):
        response = httpx.post(
            f"{shared_server.base_url}/restapi/v1.0{numbers_path()}",
            json={"phoneNumber": "+12125550123", "label": "intruder"},
            headers=headers,
        )
        assert_refused(response, 401, spec_path=NUMBERS_SPEC)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_missing_token_is_401(shared_server: LiveServer) -> None:
    refused_with(shared_server, {})


@pytest.mark.parametrize("header", ["Bearer not-a-token", "Bearer", "Basic abc", "Token x"])
def test_an_invalid_token_is_401(shared_server: LiveServer, header: str) -> None:
    refused_with(shared_server, {"Authorization": header})


def test_a_refresh_token_is_not_an_access_token(shared_server: LiveServer) -> None:
    body = tokens(shared_server)
    refused_with(shared_server, {"Authorization": f"Bearer {body['refresh_token']}"})


def test_an_expired_token_is_401(shared_server: LiveServer) -> None:
    body = tokens(shared_server)
    expire(shared_server, body["access_token"])
    refused_with(shared_server, {"Authorization": f"Bearer {body['access_token']}"})


def test_a_revoked_token_is_401(shared_server: LiveServer) -> None:
    body = tokens(shared_server)
    httpx.post(
        token_url(shared_server, "revoke"),
        auth=(CLIENT_ID, CLIENT_SECRET),
        data={"token": body["access_token"]},
    ).raise_for_status()
    refused_with(shared_server, {"Authorization": f"Bearer {body['access_token']}"})


@pytest.mark.parametrize(
    "path",
    [
        "/account/~/extension?perPage=0",
        "/account/~/extension/~/forwarding-number?page=x",
        "/account/~/extension/~/answering-rule?view=Full&type=Holiday",
        "/account/~/extension/~/answering-rule/business-hours-rule?showInactiveNumbers=maybe",
    ],
)
def test_the_token_is_checked_before_the_query(shared_server: LiveServer, path: str) -> None:
    response = httpx.get(f"{shared_server.base_url}/restapi/v1.0{path}")
    assert_refused(response, 401)
