"""OAuth apps, issued tokens (access, refresh, portal sessions) and service settings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert, select, update

from ringforward.store import tables as t
from ringforward.store.queries import Queries


@dataclass(frozen=True)
class StoredToken:
    """An issued token, known only by its digest."""

    token_hash: str
    kind: str
    session_id: str
    extension_id: str
    client_id: str
    expires_at: float
    revoked: bool = False

    def is_live(self, kind: str, now: float) -> bool:
        return self.kind == kind and not self.revoked and self.expires_at >= now


_FIELDS = tuple(StoredToken.__dataclass_fields__)


class CredentialRepository(Queries):
    async def get_app_secret_hash(self, client_id: str) -> str | None:
        row = await self._row(select(t.apps).where(t.apps.c.client_id == client_id))
        return row["secret_hash"] if row else None

    async def insert_app(self, client_id: str, secret_hash: str, name: str) -> None:
        await self._execute(
            insert(t.apps).values(client_id=client_id, secret_hash=secret_hash, name=name)
        )

    async def insert_token(self, token: StoredToken) -> None:
        await self._execute(insert(t.tokens).values(**token.__dict__))

    async def get_token(self, token_hash: str) -> StoredToken | None:
        row = await self._row(select(t.tokens).where(t.tokens.c.token_hash == token_hash))
        if row is None:
            return None
        return StoredToken(**{name: row[name] for name in _FIELDS})

    async def revoke_session(self, session_id: str) -> None:
        await self._execute(
            update(t.tokens).where(t.tokens.c.session_id == session_id).values(revoked=True)
        )

    async def get_setting(self, key: str) -> str | None:
        row = await self._row(select(t.settings.c.value).where(t.settings.c.key == key))
        return row["value"] if row else None

    async def set_setting(self, key: str, value: str) -> None:
        await self._execute(insert(t.settings).values(key=key, value=value))
