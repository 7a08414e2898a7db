"""Portal sessions: sign in with email and password, look a session up, sign out."""

from __future__ import annotations

import time
from dataclasses import dataclass

from ringforward.domain.errors import (
    EXTENSION_DISABLED,
    EXTENSION_DISABLED_CODE,
    AuthenticationError,
)
from ringforward.domain.model import Extension
from ringforward.service.access import CURRENT, Principal
from ringforward.service.auth import checked_login, issue_token, live_token, principal_of
from ringforward.service.login_guard import LoginGuard
from ringforward.service.scope import ExtensionCall
from ringforward.service.secrets import hash_token, new_token
from ringforward.store.database import Database
from ringforward.store.repositories import stored

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

    def on(self, db: Database, extension_id: str) -> ExtensionCall:
        """A use case on ``extension_id`` of the signed-in account, asked by this session."""
        return ExtensionCall(db, self.principal, CURRENT, extension_id)


def _session(token: str, extension: Extension, session_id: str) -> PortalSession:
    return PortalSession(token, principal_of(extension, PORTAL_CLIENT_ID, session_id), extension)


async def sign_in(db: Database, email: str, password: str, guard: LoginGuard) -> PortalSession:
    """A new session for the extension with this email, or a 401 that does not say which
    of the two was wrong (a 429 while the account is locked after wrong passwords)."""
    async with stored(db, writing=True) as repo:
        login = await repo.extensions.find_login(email.strip()) if email.strip() else None
        refusal = AuthenticationError("Wrong email or password", code="OAU-140")
        extension = checked_login(login, password, refusal, name=email, guard=guard)
        if extension.is_disabled:
            raise AuthenticationError(
                f"{EXTENSION_DISABLED}: ask an account admin", code=EXTENSION_DISABLED_CODE
            )
        token = new_token()
        session_id = hash_token(token)[:32]
        await issue_token(
            repo,
            extension,
            token=token,
            kind=PORTAL_TOKEN_KIND,
            session_id=session_id,
            client_id=PORTAL_CLIENT_ID,
            expires_at=time.time() + PORTAL_SESSION_TTL,
        )
        return _session(token, extension, session_id)


async def find_session(db: Database, token: str | None) -> PortalSession | None:
    """The live session behind a cookie value, or None when it is unknown, ended or expired."""
    if not token:
        return None
    async with stored(db, writing=False) as repo:
        found = await live_token(repo, token, PORTAL_TOKEN_KIND)
        extension = await repo.extensions.get_extension(found.extension_id) if found else None
        if found is None or extension is None or extension.is_disabled:
            return None
        return _session(token, extension, found.session_id)


async def sign_out(db: Database, token: str | None) -> None:
    """End the session, so the cookie stops working even if it was copied elsewhere."""
    if not token:
        return
    async with stored(db, writing=True) as repo:
        found = await repo.credentials.get_token(hash_token(token))
        if found is not None and found.kind == PORTAL_TOKEN_KIND:
            await repo.credentials.revoke_session(found.session_id)
