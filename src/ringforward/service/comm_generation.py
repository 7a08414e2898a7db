"""Which call-handling generation an account uses, and refusing the other one's API."""

from __future__ import annotations

from ringforward.domain.comm_handling.errors import wrong_generation
from ringforward.service.access import CURRENT, Principal
from ringforward.service.scope import ExtensionCall, reading
from ringforward.store.database import Database
from ringforward.store.repositories import stored


async def extension_generation(ext: ExtensionCall) -> str:
    async with reading(ext) as scope:
        return await scope.repos.comm.generation(scope.account.id)


async def require_generation(
    db: Database, principal: Principal, account_ref: str, wanted: str
) -> None:
    """Refuse an API of the other generation on the caller's own account.

    Another account is left to the route, which answers 404 for it as for any id.
    """
    account_id = principal.account_id if account_ref == CURRENT else account_ref
    if account_id != principal.account_id:
        return
    async with stored(db, writing=False) as repos:
        generation = await repos.comm.generation(account_id)
    if generation != wanted:
        raise wrong_generation(generation)
