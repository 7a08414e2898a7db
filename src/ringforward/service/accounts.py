"""Use cases for reading accounts and extensions."""

from __future__ import annotations

from collections.abc import Iterable

from ringforward.domain.model import Account, Extension
from ringforward.service.access import Principal, Target, resolve_account, resolve_target
from ringforward.store.database import Database
from ringforward.store.repository import Repository


async def get_account(db: Database, principal: Principal, account_ref: str) -> Account:
    async with db.reading() as uow:
        return await resolve_account(Repository(uow), principal, account_ref)


async def list_extensions(
    db: Database,
    principal: Principal,
    account_ref: str,
    *,
    extension_number: str | None = None,
    emails: Iterable[str] = (),
) -> tuple[Account, list[Extension]]:
    """Admins see every extension of the account; a user sees only its own.

    ``extension_number`` and ``emails`` (any of them, case-insensitive) narrow the list.
    """
    wanted_emails = {email.lower() for email in emails}
    async with db.reading() as uow:
        repo = Repository(uow)
        account = await resolve_account(repo, principal, account_ref)
        extensions = [
            extension
            for extension in await repo.list_extensions(account.id)
            if (principal.is_admin or extension.id == principal.extension_id)
            and extension_number in (None, extension.extension_number)
            and (not wanted_emails or extension.email.lower() in wanted_emails)
        ]
        return account, extensions


async def get_extension(
    db: Database, principal: Principal, account_ref: str, extension_ref: str
) -> Target:
    async with db.reading() as uow:
        return await resolve_target(Repository(uow), principal, account_ref, extension_ref)
