"""Portal sessions: sign in with email and password, look a session up, sign out."""

from __future__ import annotations

import time
from dataclasses import dataclass

from ringforward.domain.errors import (
    EXTENSION_DISABLED,
    EXTENSION_DISABLED_CODE,
    AuthenticationError,
    TooManyAttemptsError,
)
from ringforward.domain.model import Extension
from ringforward.service.access import Principal
from ringforward.service.login_guard import LOGIN_GUARD, LoginGuard, login_key
from ringforward.service.secrets import hash_token, new_token, verify_password
from ringforward.store.database import Database
from ringforward.store.repository import Repository

# Portal sessions live in the token table under their own kind, so a session cookie can
# never be used as an API bearer token (which must be of kind "access") and vice versa.
PORTAL_CLIENT_ID = "portal"
PORTAL_TOKEN_KIND = "portal"
PORTAL_SESSION_TTL = 12 * 3600


@dataclass(frozen=True)
class PortalSession:
    """A signed-in browser: the opaque cookie value and who it acts for."""

    token: str
    principal: Principal
    extension: Extension


def _principal(extension: Extension, session_id: str) -> Principal:
    return Principal(
        account_id=extension.account_id,
        extension_id=extension.id,
        is_admin=extension.is_admin,
        client_id=PORTAL_CLIENT_ID,
        session_id=session_id,
    )


async def sign_in(
    db: Database, email: str, password: str, guard: LoginGuard = LOGIN_GUARD
) -> PortalSession:
    """A new session for the extension with this email, or a 401 that does not say which
    of the two was wrong (a 429 while the account is locked after wrong passwords)."""
    async with db.writing() as uow:
        repo = Repository(uow)
        login = await repo.find_login(email.strip()) if email.strip() else None
        key = login_key(login[0] if login else None, email)
        if wait := guard.retry_after(key):
            raise TooManyAttemptsError(wait)
        password_hash = login[1] if login else None
        if not verify_password(password_hash, password) or login is None:
            guard.failed(key)
            raise AuthenticationError("Wrong email or password", code="OAU-140")
        guard.succeeded(key)
        extension = login[0]
        if extension.is_disabled:
            raise AuthenticationError(
                f"{EXTENSION_DISABLED}: ask an account admin", code=EXTENSION_DISABLED_CODE
            )
        token = new_token()
        session_id = hash_token(token)[:32]
        await repo.insert_token(
            token_hash=hash_token(token),
            kind=PORTAL_TOKEN_KIND,
            session_id=session_id,
            extension_id=extension.id,
            client_id=PORTAL_CLIENT_ID,
            expires_at=time.time() + PORTAL_SESSION_TTL,
        )
        return PortalSession(token, _principal(extension, session_id), extension)


async def find_session(db: Database, token: str | None) -> PortalSession | None:
    """The live session behind a cookie value, or None when it is unknown, ended or expired."""
    if not token:
        return None
    async with db.reading() as uow:
        repo = Repository(uow)
        row = await repo.get_token(hash_token(token))
        if (
            row is None
            or row["kind"] != PORTAL_TOKEN_KIND
            or row["revoked"]
            or row["expires_at"] < time.time()
        ):
            return None
        extension = await repo.get_extension(row["extension_id"])
        if extension is None or extension.is_disabled:
            return None
        return PortalSession(token, _principal(extension, row["session_id"]), extension)


async def sign_out(db: Database, token: str | None) -> None:
    """End the session, so the cookie stops working even if it was copied elsewhere."""
    if not token:
        return
    async with db.writing() as uow:
        repo = Repository(uow)
        row = await repo.get_token(hash_token(token))
        if row is not None and row["kind"] == PORTAL_TOKEN_KIND:
            await repo.revoke_session(row["session_id"])
