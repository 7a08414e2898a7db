"""The call-flow use case: which rule answers a call and who rings when."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol, TypeVar

from ringforward.domain.callflow import Call, CallFlow, ExtensionCallHandling, simulate
from ringforward.domain.comm_handling.callflow import (
    simulate_enhanced,
    transfer_targets,
)
from ringforward.domain.comm_handling.model import ENHANCED
from ringforward.domain.errors import invalid
from ringforward.domain.model import Account, Extension
from ringforward.domain.phone import normalize_phone_number
from ringforward.domain.schedule import checked_instant
from ringforward.service.access import Principal
from ringforward.service.comm_callflow import enhanced_handling
from ringforward.service.read_model import cached
from ringforward.service.scope import ExtensionCall, reading
from ringforward.store.database import Database
from ringforward.store.repositories import Repositories, stored

H = TypeVar("H")
H_contra = TypeVar("H_contra", contravariant=True)


class Simulate(Protocol[H_contra]):
    """A generation's engine: the flow of a call at one extension, hand-overs followed."""

    def __call__(
        self,
        handling: H_contra,
        call: Call,
        *,
        load_extension: Callable[[str], H_contra | None],
        region: str,
    ) -> CallFlow: ...


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


def _v1_transfer_targets(handling: ExtensionCallHandling) -> list[str]:
    targets: list[str] = []
    for rule in handling.rules:
        if rule.transfer_extension_id:
            targets.append(rule.transfer_extension_id)
        if rule.missed_call is not None and rule.missed_call.extension_id:
            targets.append(rule.missed_call.extension_id)
    return targets


async def _closure(
    repo: Repositories,
    account: Account,
    first: tuple[str, H],
    targets: Callable[[H], Iterable[str]],
    load: Callable[[Extension], Awaitable[H]],
) -> dict[str, H]:
    """Every extension of the account a transfer could reach from ``first``, loaded once."""
    loaded = dict([first])
    pending = [first[1]]
    while pending:
        for target_id in targets(pending.pop()):
            if target_id in loaded:
                continue
            extension = await repo.extensions.get_extension(target_id)
            if extension is None or extension.account_id != account.id:
                continue
            loaded[target_id] = await load(extension)
            pending.append(loaded[target_id])
    return loaded


@dataclass(frozen=True)
class Reachable:
    """An extension's call handling and that of every extension its transfers could
    reach, loaded once: ``flow`` answers a call at any of them with the engine of the
    account's generation, hand-overs followed (None for an extension not reachable)."""

    called: str
    extension_ids: tuple[str, ...]
    flow: Callable[[str, Call], CallFlow | None]

    def answer(self, call: Call) -> CallFlow:
        """The flow of ``call`` at the extension called."""
        flow = self.flow(self.called, call)
        assert flow is not None  # the extension called is always reachable from itself
        return flow


async def _reachable_with(
    repo: Repositories,
    account: Account,
    extension: Extension,
    load: Callable[[Repositories, Account, Extension], Awaitable[H]],
    targets: Callable[[H], Iterable[str]],
    simulate_one: Simulate[H],
) -> Reachable:
    async def load_one(target: Extension) -> H:
        return await load(repo, account, target)

    first = (extension.id, await load_one(extension))
    loaded = await _closure(repo, account, first, targets, load_one)

    def flow(extension_id: str, call: Call) -> CallFlow | None:
        handling = loaded.get(extension_id)
        if handling is None:
            return None
        return simulate_one(handling, call, load_extension=loaded.get, region=account.country)

    return Reachable(extension.id, tuple(loaded), flow)


async def load_reachable(repo: Repositories, account: Account, extension: Extension) -> Reachable:
    """What every edge (simulate, the portal, SIP routing) asks the engine through: the
    engine of the account's generation, over everything a transfer could reach."""
    if await repo.comm.generation(account.id) == ENHANCED:
        return await _reachable_with(
            repo, account, extension, enhanced_handling, transfer_targets, simulate_enhanced
        )
    return await _reachable_with(
        repo, account, extension, load_handling, _v1_transfer_targets, simulate
    )


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


async def simulate_call(
    ext: ExtensionCall,
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

    async def load() -> tuple[str, Reachable]:
        async with reading(ext) as scope:
            reachable = await load_reachable(scope.repos, scope.account, scope.extension)
            return scope.account.country, reachable

    region, reachable = await cached(ext, ("call-flow",), load, fresh=fresh)
    return reachable.answer(parse_call(at, caller, called, region=region))


async def cli_principal(db: Database, extension_id: str) -> Principal:
    """Acting locally with database access: the extension itself, with admin rights."""
    async with stored(db, writing=False) as repos:
        extension = await repos.extensions.get_extension(extension_id)
    if extension is None:
        raise invalid("extension", f"extension {extension_id} does not exist")
    return Principal(extension.account_id, extension.id, True, "cli", "cli")
