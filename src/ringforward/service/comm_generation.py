"""Which call-handling generation an account uses, and refusing the other one's API."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable

from ringforward.domain.comm_handling.errors import wrong_generation
from ringforward.service.access import CURRENT, Principal
from ringforward.service.per_database import PerDatabase
from ringforward.service.scope import ExtensionCall, reading
from ringforward.store.database import Database
from ringforward.store.repositories import stored

# Accounts whose generation this process keeps, least recently asked dropped first.
KEPT_ACCOUNTS = 10_000
# Account id → (structure stamp when read, generation). Only a write that is not
# content-only (an upgrade, provisioning) can change a generation, and every such write
# changes the structure stamp (``store.changes``).
_kept: PerDatabase[OrderedDict[str, tuple[Hashable, str]]] = PerDatabase(OrderedDict)


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
    generation = await _generation(db, account_id)
    if generation != wanted:
        raise wrong_generation(generation)


def generation_under(db: Database, stamp: Hashable | None, account_id: str) -> str | None:
    """The account's generation from memory alone, if still current under the structure
    stamp ``stamp`` (taken by the caller); None when only the database can tell."""
    kept = _kept(db)
    found = kept.get(account_id) if stamp is not None else None
    if found is None or found[0] != stamp:
        return None
    kept.move_to_end(account_id)
    return found[1]


async def _generation(db: Database, account_id: str) -> str:
    # Taken before the database is read: what is kept under it is never newer than it.
    stamp = db.changes.structure_stamp()
    remembered = generation_under(db, stamp, account_id)
    if remembered is not None:
        return remembered
    kept = _kept(db)
    async with stored(db, writing=False) as repos:
        generation = await repos.comm.generation(account_id)
    if stamp is not None:
        kept[account_id] = (stamp, generation)
        kept.move_to_end(account_id)
        while len(kept) > KEPT_ACCOUNTS:
            kept.popitem(last=False)
    return generation
