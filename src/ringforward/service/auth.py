"""OAuth use cases: password, JWT and refresh grants, revocation, and token checks."""

from __future__ import annotations

import secrets as stdlib_secrets
import time
from collections.abc import AsyncIterator, Hashable
from contextlib import asynccontextmanager
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
from ringforward.service.login_guard import LoginGuard, login_key
from ringforward.service.principal_cache import principal_cache
from ringforward.service.secrets import hash_token, new_token, verify_password
from ringforward.store.credentials import StoredToken
from ringforward.store.database import Database
from ringforward.store.repositories import Repositories, stored

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


@dataclass(frozen=True)
class GrantClient:
    """The app asking for tokens, by its credentials, and the lifetimes it asks for."""

    client_id: str | None
    client_secret: str | None
    access_ttl: int | None = None
    refresh_ttl: int | None = None


def _invalid_client() -> OAuthError:
    return OAuthError(
        "Invalid client credentials", oauth_error="invalid_client", code="OAU-123", status=401
    )


def _invalid_grant(message: str, code: str = "OAU-140") -> OAuthError:
    return OAuthError(message, oauth_error="invalid_grant", code=code)


async def _check_client(repo: Repositories, client_id: str | None, secret: str | None) -> str:
    if not client_id or secret is None:
        raise _invalid_client()
    secret_hash = await repo.credentials.get_app_secret_hash(client_id)
    if not verify_password(secret_hash, secret):
        raise _invalid_client()
    return client_id


def _ttl(requested: int | None, default: int, low: int, high: int) -> int:
    if requested is None:
        return default
    return max(low, min(high, requested))


async def find_login(
    repo: Repositories, username: str, extension: str | None = None
) -> tuple[Extension, str] | None:
    """The extension behind a login name (an email, or a main number and extension)."""
    if "@" in username:
        return await repo.extensions.find_login(username)
    main_number = try_normalize(username)
    if main_number is None:
        return None
    return await repo.extensions.find_login_by_number(main_number, extension)


def checked_login(
    login: tuple[Extension, str] | None,
    password: str,
    refusal: Exception,
    *,
    name: str,
    guard: LoginGuard,
) -> Extension:
    """The extension, when the password is right; the same refusal either way otherwise,
    taking as long for an unknown login as for a wrong password. ``name`` is the login
    name tried: wrong passwords lock it (or its extension) out for a while (a 429)."""
    key = login_key(login[0] if login else None, name)
    if wait := guard.retry_after(key):
        raise TooManyAttemptsError(wait)
    if not verify_password(login[1] if login else None, password) or login is None:
        guard.failed(key)
        raise refusal
    guard.succeeded(key)
    return login[0]


async def issue_token(
    repo: Repositories,
    extension: Extension,
    *,
    token: str,
    kind: str,
    session_id: str,
    client_id: str,
    expires_at: float,
) -> None:
    await repo.credentials.insert_token(
        StoredToken(
            token_hash=hash_token(token),
            kind=kind,
            session_id=session_id,
            extension_id=extension.id,
            client_id=client_id,
            expires_at=expires_at,
        )
    )


async def live_token(repo: Repositories, token: str, kind: str) -> StoredToken | None:
    """The stored token, if it is of ``kind``, not revoked and not expired."""
    found = await repo.credentials.get_token(hash_token(token))
    return found if found is not None and found.is_live(kind, time.time()) else None


@asynccontextmanager
async def _granting(db: Database, client: GrantClient) -> AsyncIterator[tuple[Repositories, str]]:
    """A write transaction for a grant, once the app's credentials are checked."""
    async with stored(db, writing=True) as repo:
        yield repo, await _check_client(repo, client.client_id, client.client_secret)


async def _issue(
    repo: Repositories, extension: Extension, client_id: str, client: GrantClient
) -> TokenGrant:
    # Every grant ends here, after its credentials were checked: only then is it told
    # that the extension is disabled, so a guesser learns nothing from it.
    if extension.is_disabled:
        raise _invalid_grant(EXTENSION_DISABLED, code=EXTENSION_DISABLED_CODE)
    session = stdlib_secrets.token_hex(16)
    access_seconds = _ttl(
        client.access_ttl, ACCESS_TOKEN_TTL, MIN_ACCESS_TOKEN_TTL, ACCESS_TOKEN_TTL
    )
    refresh_seconds = _ttl(client.refresh_ttl, REFRESH_TOKEN_TTL, 1, MAX_REFRESH_TOKEN_TTL)
    access, refresh = new_token(), new_token()
    now = time.time()
    for token, kind, ttl in (
        (access, "access", access_seconds),
        (refresh, "refresh", refresh_seconds),
    ):
        await issue_token(
            repo,
            extension,
            token=token,
            kind=kind,
            session_id=session,
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
    client: GrantClient,
    *,
    username: str,
    extension: str | None,
    password: str,
    guard: LoginGuard,
) -> TokenGrant:
    """Log in with an email (or the account's main number plus extension) and password."""
    async with _granting(db, client) as (repo, app):
        login = await find_login(repo, username, extension)
        owner = checked_login(
            login,
            password,
            _invalid_grant("Invalid resource owner credentials"),
            name=f"{username}|{extension or ''}",
            guard=guard,
        )
        return await _issue(repo, owner, app, client)


async def jwt_signing_secret(repo: Repositories) -> str:
    secret = await repo.credentials.get_setting(JWT_SECRET_SETTING)
    if secret is None:
        secret = stdlib_secrets.token_urlsafe(48)
        await repo.credentials.set_setting(JWT_SECRET_SETTING, secret)
    return secret


async def _issuing_app(repo: Repositories, client_id: str | None) -> str:
    """The app a new JWT is for: the one named, else the only one registered."""
    if client_id is not None:
        if await repo.credentials.get_app_secret_hash(client_id) is None:
            raise not_found("clientId")
        return client_id
    apps = await repo.credentials.app_client_ids()
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
    async with stored(db, writing=True) as repo:
        if await repo.extensions.get_extension(extension_id) is None:
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


async def jwt_grant(db: Database, client: GrantClient, *, assertion: str) -> TokenGrant:
    async with _granting(db, client) as (repo, app):
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
        extension = await repo.extensions.get_extension(str(claims["sub"]))
        if extension is None:
            raise _invalid_grant("Invalid JWT token: no such extension", code="OAU-144")
        return await _issue(repo, extension, app, client)


async def refresh_grant(db: Database, client: GrantClient, *, refresh_token: str) -> TokenGrant:
    """New tokens for the same extension; the used refresh token's session ends (rotation)."""
    async with _granting(db, client) as (repo, app):
        found = await live_token(repo, refresh_token, "refresh")
        extension = (
            await repo.extensions.get_extension(found.extension_id)
            if found is not None and found.client_id == app
            else None
        )
        if found is None or extension is None:
            raise _invalid_grant("Token not found", code="OAU-211")
        await repo.credentials.revoke_session(found.session_id)
        return await _issue(repo, extension, app, client)


async def revoke(db: Database, client: GrantClient, *, token: str) -> None:
    """Revoke the whole session the token (access or refresh) belongs to."""
    async with _granting(db, client) as (repo, _app):
        found = await repo.credentials.get_token(hash_token(token))
        if found is not None:
            await repo.credentials.revoke_session(found.session_id)


async def authenticate(db: Database, access_token: str | None) -> Principal:
    """The principal of a bearer token, or a 401 saying what is wrong with it."""
    if not access_token:
        raise AuthenticationError("Authorization header is not specified", code="AGW-401")
    digest = hash_token(access_token)
    cache = principal_cache(db)
    # Taken before the database is read: a change committed meanwhile makes the entry stale.
    # Writes of this process that change call handling only leave it as it was.
    stamp = db.changes.structure_stamp()
    now = time.time()
    if stamp is not None:
        cached = principal_cache(db).get(digest, stamp, now)
        if cached is not None:
            return cached
    async with stored(db, writing=False) as repo:
        found = await repo.credentials.get_token(digest)
        if found is None or found.kind != "access" or found.revoked:
            raise AuthenticationError("Invalid token", code="OAU-213")
        if not found.is_live("access", now):
            raise AuthenticationError("Token expired", code="OAU-213")
        extension = await repo.extensions.get_extension(found.extension_id)
        if extension is None:
            raise AuthenticationError("Invalid token", code="OAU-213")
        if extension.is_disabled:
            raise AuthenticationError(EXTENSION_DISABLED, code=EXTENSION_DISABLED_CODE)
        principal = principal_of(extension, found.client_id, found.session_id)
    if stamp is not None:
        cache.put(digest, stamp, principal, found.expires_at)
    return principal


def principal_under(
    db: Database, structure_stamp: Hashable | None, digest: str, now: float
) -> Principal | None:
    """The principal of a token digest from memory alone, if still current (under the
    structure stamp, taken by the caller once for all it reads from memory) and
    unexpired; None when only ``authenticate`` (the database) can tell."""
    if structure_stamp is None:
        return None
    return principal_cache(db).get(digest, structure_stamp, now)


def principal_of(extension: Extension, client_id: str, session_id: str) -> Principal:
    return Principal(
        account_id=extension.account_id,
        extension_id=extension.id,
        is_admin=extension.is_admin,
        client_id=client_id,
        session_id=session_id,
    )
