"""``admin upgrade-account``: move an account from v1 answering rules to enhanced handling."""

from __future__ import annotations

from ringforward.domain.comm_handling.errors import wrong_generation
from ringforward.domain.comm_handling.model import (
    ENHANCED,
    INTERACTION_RULE,
    STATE,
    STATE_ORDER,
    STATE_RULE,
)
from ringforward.domain.comm_handling.upgrade import upgrade_extension
from ringforward.domain.errors import not_found
from ringforward.store.comm_handling import StoredItem
from ringforward.store.database import Database
from ringforward.store.repositories import stored


async def upgrade_account(db: Database, account_id: str) -> int:
    """Write every extension's v2 states and rules from its v1 rules, in one transaction,
    and mark the account enhanced; returns how many extensions were upgraded.

    The v1 rules stay stored (unused) so nothing is lost; the v1 API refuses from now on.
    """
    async with stored(db, writing=True) as repos:
        comm = repos.comm
        account = await repos.extensions.get_account(account_id)
        if account is None:
            raise not_found("accountId")
        if await comm.generation(account_id) == ENHANCED:
            raise wrong_generation(ENHANCED)
        extensions = await repos.extensions.list_extensions(account_id)
        for extension in extensions:
            numbers = await repos.numbers.list_forwarding_numbers(extension.id)
            result = upgrade_extension(
                extension.id,
                await repos.extensions.get_business_hours(extension.id),
                await repos.rules.list_rules(extension.id),
                {number.id: number for number in numbers},
                region=account.country,
            )
            for kind in (STATE, STATE_RULE, INTERACTION_RULE):
                for item in await comm.items(extension.id, kind):
                    await comm.delete(extension.id, kind, item.item_id)
            for state in result.states:
                position = STATE_ORDER.index(state["id"])
                await comm.insert(extension.id, StoredItem(STATE, state["id"], position, 1, state))
            for state_id, dispatching in result.state_rules.items():
                position = STATE_ORDER.index(state_id)
                await comm.insert(
                    extension.id, StoredItem(STATE_RULE, state_id, position, 1, dispatching)
                )
            for position, document in result.interaction_rules:
                await comm.insert(
                    extension.id,
                    StoredItem(INTERACTION_RULE, document["id"], position, 1, document),
                )
        await comm.set_generation(account_id, ENHANCED)
        return len(extensions)
