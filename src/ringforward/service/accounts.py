"""Use cases for reading accounts and extensions."""

from __future__ import annotations

from ringforward.domain.model import Account, Extension
from ringforward.service.access import Principal, Target, resolve_account, resolve_target
from ringforward.store.database import Database
from ringforward.store.repository import Repository


async def get_account(db: Database, principal: Principal, account_ref: str) -> Account:
    async with db.reading() as uow:
        return await resolve_account(Repository(uow), principal, account_ref)


async def list_extensions(
    db: Database, principal: Principal, account_ref: str
) -> tuple[Account, list[Extension]]:
    """Admins see every extension of the account; a user sees only its own."""
    async with db.reading() as uow:
        repo = Repository(uow)
        account = await resolve_account(repo, principal, account_ref)
        extensions = await repo.list_extensions(account.id)
        if not principal.is_admin:
            extensions = [e for e in extensions if e.id == principal.extension_id]
        return account, extensions


async def get_extension(
    db: Database, principal: Principal, account_ref: str, extension_ref: str
) -> Target:
    async with db.reading() as uow:
        return await resolve_target(Repository(uow), principal, account_ref, extension_ref)
