"""OAuth use cases: password, JWT and refresh grants, revocation, and token checks."""

from __future__ import annotations

import secrets as stdlib_secrets
import time
from dataclasses import dataclass

import jwt

from ringforward.domain.errors import (
    EXTENSION_DISABLED,
    EXTENSION_DISABLED_CODE,
    AuthenticationError,
    OAuthError,
    TooManyAttemptsError,
    invalid,
    not_found,
)
from ringforward.domain.model import Extension
from ringforward.domain.phone import try_normalize
from ringforward.service.access import Principal
from ringforward.service.login_guard import LOGIN_GUARD, login_key
from ringforward.service.secrets import hash_token, new_token, verify_password
from ringforward.store.database import Database
from ringforward.store.repository import Repository

ACCESS_TOKEN_TTL = 3600
REFRESH_TOKEN_TTL = 604800
MIN_ACCESS_TOKEN_TTL = 600
MAX_REFRESH_TOKEN_TTL = 2592000
JWT_CREDENTIAL_TTL = 365 * 24 * 3600
JWT_AUDIENCE = "ringforward:oauth:token"
JWT_SECRET_SETTING = "jwt_signing_secret"
SCOPE = "ReadAccounts EditExtensions ReadCallLog CallControl"


@dataclass(frozen=True)
class TokenGrant:
    access_token: str
    refresh_token: str
    expires_in: int
    refresh_token_expires_in: int
    session_id: str
    owner_id: str
    endpoint_id: str
    scope: str = SCOPE


def _invalid_client() -> OAuthError:
    return OAuthError(
        "Invalid client credentials", oauth_error="invalid_client", code="OAU-123", status=401
    )


def _invalid_grant(message: str, code: str = "OAU-140") -> OAuthError:
    return OAuthError(message, oauth_error="invalid_grant", code=code)


async def _check_client(repo: Repository, client_id: str | None, secret: str | None) -> str:
    if not client_id or secret is None:
        raise _invalid_client()
    secret_hash = await repo.get_app_secret_hash(client_id)
    if not verify_password(secret_hash, secret):
        raise _invalid_client()
    return client_id


def _ttl(requested: int | None, default: int, low: int, high: int) -> int:
    if requested is None:
        return default
    return max(low, min(high, requested))


async def _issue(
    repo: Repository,
    extension: Extension,
    client_id: str,
    *,
    session_id: str | None = None,
    access_ttl: int | None = None,
    refresh_ttl: int | None = None,
) -> TokenGrant:
    # Every grant ends here, after its credentials were checked: only then is it told
    # that the extension is disabled, so a guesser learns nothing from it.
    if extension.is_disabled:
        raise _invalid_grant(EXTENSION_DISABLED, code=EXTENSION_DISABLED_CODE)
    session = session_id or stdlib_secrets.token_hex(16)
    access_seconds = _ttl(access_ttl, ACCESS_TOKEN_TTL, MIN_ACCESS_TOKEN_TTL, ACCESS_TOKEN_TTL)
    refresh_seconds = _ttl(refresh_ttl, REFRESH_TOKEN_TTL, 1, MAX_REFRESH_TOKEN_TTL)
    access, refresh = new_token(), new_token()
    now = time.time()
    for token, kind, ttl in (
        (access, "access", access_seconds),
        (refresh, "refresh", refresh_seconds),
    ):
        await repo.insert_token(
            token_hash=hash_token(token),
            kind=kind,
            session_id=session,
            extension_id=extension.id,
            client_id=client_id,
            expires_at=now + ttl,
        )
    return TokenGrant(
        access_token=access,
        refresh_token=refresh,
        expires_in=access_seconds,
        refresh_token_expires_in=refresh_seconds,
        session_id=session,
        owner_id=extension.id,
        endpoint_id=stdlib_secrets.token_urlsafe(16),
    )


async def password_grant(
    db: Database,
    *,
    client_id: str | None,
    client_secret: str | None,
    username: str,
    extension: str | None,
    password: str,
    access_ttl: int | None = None,
    refresh_ttl: int | None = None,
) -> TokenGrant:
    """Log in with an email (or the account's main number plus extension) and password."""
    async with db.writing() as uow:
        repo = Repository(uow)
        app = await _check_client(repo, client_id, client_secret)
        if "@" in username:
            login = await repo.find_login(username)
        else:
            main_number = try_normalize(username)
            login = await repo.find_login_by_number(main_number, extension) if main_number else None
        key = login_key(login[0] if login else None, f"{username}|{extension or ''}")
        if wait := LOGIN_GUARD.retry_after(key):
            raise TooManyAttemptsError(wait)
        password_hash = login[1] if login else None
        if not verify_password(password_hash, password) or login is None:
            LOGIN_GUARD.failed(key)
            raise _invalid_grant("Invalid resource owner credentials")
        LOGIN_GUARD.succeeded(key)
        return await _issue(repo, login[0], app, access_ttl=access_ttl, refresh_ttl=refresh_ttl)


async def jwt_signing_secret(repo: Repository) -> str:
    secret = await repo.get_setting(JWT_SECRET_SETTING)
    if secret is None:
        secret = stdlib_secrets.token_urlsafe(48)
        await repo.set_setting(JWT_SECRET_SETTING, secret)
    return secret


async def _issuing_app(repo: Repository, client_id: str | None) -> str:
    """The app a new JWT is for: the one named, else the only one registered."""
    if client_id is not None:
        if await repo.get_app_secret_hash(client_id) is None:
            raise not_found("clientId")
        return client_id
    apps = await repo.app_client_ids()
    if len(apps) != 1:
        raise invalid("clientId", "name the app the JWT is for (there is not exactly one app)")
    return apps[0]


async def issue_jwt_credential(
    db: Database, extension_id: str, client_id: str | None = None
) -> str:
    """A JWT credential for the JWT bearer grant, like one made in RingCentral's console.

    Its issuer (``iss``) is the client id of the app it is for; only that app may
    exchange it, as with a credential restricted to one app in RingCentral's console.
    """
    async with db.writing() as uow:
        repo = Repository(uow)
        if await repo.get_extension(extension_id) is None:
            raise not_found("extensionId")
        app = await _issuing_app(repo, client_id)
        secret = await jwt_signing_secret(repo)
    now = int(time.time())
    claims = {
        "iss": app,
        "aud": JWT_AUDIENCE,
        "sub": extension_id,
        "iat": now,
        "exp": now + JWT_CREDENTIAL_TTL,
        "jti": stdlib_secrets.token_urlsafe(12),
    }
    return jwt.encode(claims, secret, algorithm="HS256")


async def jwt_grant(
    db: Database,
    *,
    client_id: str | None,
    client_secret: str | None,
    assertion: str,
    access_ttl: int | None = None,
    refresh_ttl: int | None = None,
) -> TokenGrant:
    async with db.writing() as uow:
        repo = Repository(uow)
        app = await _check_client(repo, client_id, client_secret)
        secret = await jwt_signing_secret(repo)
        try:
            claims = jwt.decode(
                assertion,
                secret,
                algorithms=["HS256"],
                audience=JWT_AUDIENCE,
                # A credential issued for another app (or without an issuer) is not this app's.
                issuer=app,
                options={"require": ["sub", "exp", "iss"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise _invalid_grant("JWT token is expired", code="OAU-144") from error
        except jwt.PyJWTError as error:
            raise _invalid_grant("Invalid JWT token", code="OAU-144") from error
        extension = await repo.get_extension(str(claims["sub"]))
        if extension is None:
            raise _invalid_grant("Invalid JWT token: no such extension", code="OAU-144")
        return await _issue(repo, extension, app, access_ttl=access_ttl, refresh_ttl=refresh_ttl)


async def refresh_grant(
    db: Database,
    *,
    client_id: str | None,
    client_secret: str | None,
    refresh_token: str,
    access_ttl: int | None = None,
    refresh_ttl: int | None = None,
) -> TokenGrant:
    """New tokens in the same session; the used refresh token stops working (rotation)."""
    async with db.writing() as uow:
        repo = Repository(uow)
        app = await _check_client(repo, client_id, client_secret)
        row = await repo.get_token(hash_token(refresh_token))
        if (
            row is None
            or row["kind"] != "refresh"
            or row["revoked"]
            or row["client_id"] != app
            or row["expires_at"] < time.time()
        ):
            raise _invalid_grant("Token not found", code="OAU-211")
        extension = await repo.get_extension(row["extension_id"])
        if extension is None:
            raise _invalid_grant("Token not found", code="OAU-211")
        await repo.revoke_session(row["session_id"])
        return await _issue(
            repo,
            extension,
            app,
            access_ttl=access_ttl,
            refresh_ttl=refresh_ttl,
        )


async def revoke(
    db: Database, *, client_id: str | None, client_secret: str | None, token: str
) -> None:
    """Revoke the whole session the token (access or refresh) belongs to."""
    async with db.writing() as uow:
        repo = Repository(uow)
        await _check_client(repo, client_id, client_secret)
        row = await repo.get_token(hash_token(token))
        if row is not None:
            await repo.revoke_session(row["session_id"])


async def authenticate(db: Database, access_token: str | None) -> Principal:
    """The principal of a bearer token, or a 401 saying what is wrong with it."""
    if not access_token:
        raise AuthenticationError("Authorization header is not specified", code="AGW-401")
    async with db.reading() as uow:
        repo = Repository(uow)
        row = await repo.get_token(hash_token(access_token))
        if row is None or row["kind"] != "access" or row["revoked"]:
            raise AuthenticationError("Invalid token", code="OAU-213")
        if row["expires_at"] < time.time():
            raise AuthenticationError("Token expired", code="OAU-213")
        extension = await repo.get_extension(row["extension_id"])
        if extension is None:
            raise AuthenticationError("Invalid token", code="OAU-213")
        if extension.is_disabled:
            raise AuthenticationError(EXTENSION_DISABLED, code=EXTENSION_DISABLED_CODE)
        return Principal(
            account_id=extension.account_id,
            extension_id=extension.id,
            is_admin=extension.is_admin,
            client_id=row["client_id"],
            session_id=row["session_id"],
        )
