"""Who is calling and what they may reach: the permission rules of every use case."""

from __future__ import annotations

from dataclasses import dataclass

from ringforward.domain.errors import PermissionDeniedError, not_found
from ringforward.domain.model import Account, Extension
from ringforward.store.extensions import ExtensionRepository

CURRENT = "~"


@dataclass(frozen=True)
class Principal:
    """The extension an access token (or portal session) acts for."""

    account_id: str
    extension_id: str
    is_admin: bool
    client_id: str
    session_id: str


@dataclass(frozen=True)
class Target:
    """The account and extension a request is about, once access is checked."""

    account: Account
    extension: Extension


def _own_account_id(principal: Principal, account_ref: str) -> str:
    # A foreign account answers exactly like a missing one, so ids leak nothing.
    account_id = principal.account_id if account_ref == CURRENT else account_ref
    if account_id != principal.account_id:
        raise not_found("accountId")
    return account_id


async def resolve_account(
    repo: ExtensionRepository, principal: Principal, account_ref: str
) -> Account:
    account = await repo.get_account(_own_account_id(principal, account_ref))
    if account is None:
        raise not_found("accountId")
    return account


async def resolve_target(
    repo: ExtensionRepository, principal: Principal, account_ref: str, extension_ref: str
) -> Target:
    """The extension named in a path, if the principal may act on it.

    Admins reach every extension of their account, users only their own (403 for a
    colleague's), and nobody reaches another account (404).
    """
    account_id = _own_account_id(principal, account_ref)
    extension_id = principal.extension_id if extension_ref == CURRENT else extension_ref
    # The extension and its account in one query; the account alone only to tell which
    # of the two is missing.
    found = await repo.get_extension_and_account(extension_id)
    if found is None or found[1].id != account_id:
        await resolve_account(repo, principal, account_ref)
        raise not_found("extensionId")
    extension, account = found
    if extension.id != principal.extension_id and not principal.is_admin:
        raise PermissionDeniedError(
            "In order to call this API endpoint, user needs to have "
            "[EditExtensions] permission for requested resource.",
            parameter_name="extensionId",
        )
    return Target(account, extension)


def time_zone_of(target: Target) -> str:
    return target.extension.time_zone or target.account.time_zone
