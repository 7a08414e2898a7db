"""Which call-handling generation an account uses, and refusing the other one's API."""

from __future__ import annotations

from ringforward.domain.comm_handling.errors import wrong_generation
from ringforward.service.access import CURRENT, Principal, resolve_target
from ringforward.store.comm_repository import CommRepository
from ringforward.store.database import Database
from ringforward.store.repository import Repository


async def extension_generation(
    db: Database, principal: Principal, account_ref: str, extension_ref: str
) -> str:
    async with db.reading() as uow:
        target = await resolve_target(Repository(uow), principal, account_ref, extension_ref)
        return await CommRepository(uow).generation(target.account.id)


async def require_generation(
    db: Database, principal: Principal, account_ref: str, wanted: str
) -> None:
    """Refuse an API of the other generation on the caller's own account.

    Another account is left to the route, which answers 404 for it as for any id.
    """
    account_id = principal.account_id if account_ref == CURRENT else account_ref
    if account_id != principal.account_id:
        return
    async with db.reading() as uow:
        generation = await CommRepository(uow).generation(account_id)
    if generation != wanted:
        raise wrong_generation(generation)
