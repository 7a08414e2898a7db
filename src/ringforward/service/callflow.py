"""The call-flow use case: which rule answers a call and who rings when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from ringforward.domain.callflow import Call, CallFlow, ExtensionCallHandling, simulate
from ringforward.domain.comm_handling.callflow import EnhancedCallHandling, simulate_enhanced
from ringforward.domain.errors import invalid
from ringforward.domain.model import Account, Extension
from ringforward.domain.phone import normalize_phone_number
from ringforward.domain.schedule import checked_instant
from ringforward.service.access import Principal
from ringforward.service.comm_callflow import load_enhanced
from ringforward.service.read_model import cached
from ringforward.service.scope import reading
from ringforward.store.database import Database
from ringforward.store.repositories import Repositories, stored


async def load_handling(
    repo: Repositories, account: Account, extension: Extension
) -> ExtensionCallHandling:
    numbers = await repo.numbers.list_forwarding_numbers(extension.id)
    return ExtensionCallHandling(
        extension=extension,
        time_zone=extension.time_zone or account.time_zone,
        business_hours=await repo.extensions.get_business_hours(extension.id),
        rules=tuple(await repo.rules.list_rules(extension.id)),
        forwarding_numbers={number.id: number for number in numbers},
    )


async def transfer_closure(
    repo: Repositories, account: Account, first: ExtensionCallHandling
) -> dict[str, ExtensionCallHandling]:
    """Every extension of the account a transfer could reach from ``first``, loaded once."""
    loaded = {first.extension.id: first}
    pending = [first]
    while pending:
        handling = pending.pop()
        for rule in handling.rules:
            targets = [rule.transfer_extension_id]
            if rule.missed_call is not None:
                targets.append(rule.missed_call.extension_id)
            for target_id in targets:
                if not target_id or target_id in loaded:
                    continue
                extension = await repo.extensions.get_extension(target_id)
                if extension is None or extension.account_id != account.id:
                    continue
                loaded[target_id] = await load_handling(repo, account, extension)
                pending.append(loaded[target_id])
    return loaded


def parse_call(at: str | None, caller: str | None, called: str | None, *, region: str) -> Call:
    """A call from the request's ``at``/``from``/``to``; ``at`` defaults to now."""
    if at:
        try:
            moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
        except ValueError as error:
            raise invalid("at", "expected an ISO-8601 date and time") from error
        checked_instant(moment, "at")
    else:
        moment = datetime.now(UTC)
    return Call(
        at=moment,
        caller=normalize_phone_number(caller, region=region, parameter_name="from")
        if caller
        else None,
        called=normalize_phone_number(called, region=region, parameter_name="to")
        if called
        else None,
    )


@dataclass(frozen=True)
class _Loaded:
    """What a simulation reads: the account's region and the extension's call handling
    (v2, or v1 with every extension a transfer could reach). Immutable domain values, so
    one copy serves every call simulated until the database changes."""

    region: str
    enhanced: EnhancedCallHandling | None
    first: ExtensionCallHandling | None
    reachable: dict[str, ExtensionCallHandling]


async def simulate_call(
    db: Database,
    principal: Principal,
    account_ref: str,
    extension_ref: str,
    *,
    at: str | None,
    caller: str | None,
    called: str | None,
    fresh: bool = False,
) -> CallFlow:
    """The flow of a call to the extension: the rule that answers, who rings when.

    A naive ``at`` is read in the extension's time zone, like the rules themselves. What
    the simulation reads is kept in the read model (``service/read_model.py``).
    """

    async def load() -> _Loaded:
        async with reading(db, principal, account_ref, extension_ref) as scope:
            region = scope.account.country
            enhanced = await load_enhanced(scope)
            if enhanced is not None:
                return _Loaded(region, enhanced, None, {})
            first = await load_handling(scope.repos, scope.account, scope.extension)
            reachable = await transfer_closure(scope.repos, scope.account, first)
            return _Loaded(region, None, first, reachable)

    question = ("call-flow", account_ref, extension_ref)
    loaded = await cached(db, principal, question, load, fresh=fresh)
    call = parse_call(at, caller, called, region=loaded.region)
    if loaded.enhanced is not None:
        return simulate_enhanced(loaded.enhanced, call, region=loaded.region)
    assert loaded.first is not None
    return simulate(loaded.first, call, load_extension=loaded.reachable.get, region=loaded.region)


async def cli_principal(db: Database, extension_id: str) -> Principal:
    """Acting locally with database access: the extension itself, with admin rights."""
    async with stored(db, writing=False) as repos:
        extension = await repos.extensions.get_extension(extension_id)
    if extension is None:
        raise invalid("extension", f"extension {extension_id} does not exist")
    return Principal(extension.account_id, extension.id, True, "cli", "cli")
