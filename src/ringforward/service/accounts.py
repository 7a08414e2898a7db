"""Use cases for reading accounts and extensions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ringforward.domain.model import Account, Extension
from ringforward.service.access import Principal, Target, resolve_account
from ringforward.service.scope import ExtensionCall, reading
from ringforward.store.database import Database
from ringforward.store.repositories import stored


@dataclass(frozen=True)
class ExtensionList:
    account: Account
    extensions: list[Extension]


async def get_account(db: Database, principal: Principal, account_ref: str) -> Account:
    async with stored(db, writing=False) as repos:
        return await resolve_account(repos.extensions, principal, account_ref)


async def list_extensions(
    db: Database,
    principal: Principal,
    account_ref: str,
    *,
    extension_number: str | None = None,
    emails: Iterable[str] = (),
) -> ExtensionList:
    """Admins see every extension of the account; a user sees only its own.

    ``extension_number`` and ``emails`` (any of them, case-insensitive) narrow the list.
    """
    wanted_emails = {email.lower() for email in emails}
    async with stored(db, writing=False) as repos:
        account = await resolve_account(repos.extensions, principal, account_ref)
        extensions = [
            extension
            for extension in await repos.extensions.list_extensions(account.id)
            if (principal.is_admin or extension.id == principal.extension_id)
            and extension_number in (None, extension.extension_number)
            and (not wanted_emails or extension.email.lower() in wanted_emails)
        ]
        return ExtensionList(account, extensions)


async def get_extension(ext: ExtensionCall) -> Target:
    async with reading(ext) as scope:
        return scope.target
