"""The audit trail of forwarding numbers and business hours: changes, newest first, and revert.

Neither resource has a version of its own (no ``ETag``), so a change's version is its
position in the resource's trail: 1 for the first recorded change. Records written before
versions were stored read the same, being numbered by the order they were written in.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from ringforward.domain.errors import ValidationError, not_found
from ringforward.domain.forwarding_numbers import NumberContext, restored_forwarding_number
from ringforward.domain.model import BusinessHours, Extension, ForwardingNumber
from ringforward.service.access import Principal, Target, resolve_target
from ringforward.service.audit import record_change
from ringforward.service.forwarding_numbers import number_document
from ringforward.store.codec import weekly_from_json, weekly_to_json
from ringforward.store.database import Database
from ringforward.store.repository import Repository

NUMBER_RESOURCE = "forwarding-number"
HOURS_RESOURCE = "business-hours"

T = TypeVar("T")


@dataclass(frozen=True)
class Change(Generic[T]):
    """One audited change: the version it made, when, by whom, and the value around it."""

    version: int
    at: float
    actor_id: str
    actor: Extension | None
    before: T | None
    after: T | None


@dataclass(frozen=True)
class History(Generic[T]):
    """The changes of one resource of an extension, newest first."""

    target: Target
    resource_id: str
    changes: tuple[Change[T], ...]


def number_from_document(document: str | None) -> ForwardingNumber | None:
    return ForwardingNumber(**json.loads(document)) if document else None


def hours_from_document(document: str | None) -> BusinessHours | None:
    if document is None:
        return None
    return BusinessHours(weekly_from_json(json.loads(document)))


def hours_document(hours: BusinessHours) -> str:
    return json.dumps(weekly_to_json(hours.weekly_ranges))


async def _trail(
    repo: Repository,
    target: Target,
    resource_type: str,
    resource_id: str,
    parse: Callable[[str | None], T | None],
) -> tuple[Change[T], ...]:
    rows = sorted(
        await repo.list_audit(target.extension.id, resource_type, resource_id),
        key=lambda row: int(row["id"]),
    )
    actors = {e.id: e for e in await repo.list_extensions(target.account.id)}
    changes = [
        Change(
            version=position,
            at=float(row["at"]),
            actor_id=row["actor"],
            actor=actors.get(row["actor"]),
            before=parse(row["before"]),
            after=parse(row["after"]),
        )
        for position, row in enumerate(rows, start=1)
    ]
    return tuple(reversed(changes))


def _find_change(changes: Sequence[Change[T]], version: int) -> Change[T]:
    for change in changes:
        if change.version == version:
            return change
    raise not_found("version")


def _current_number(numbers: Sequence[ForwardingNumber], number_id: str) -> ForwardingNumber | None:
    return next((number for number in numbers if number.id == number_id), None)


async def number_history(
    db: Database, principal: Principal, account_ref: str, extension_ref: str, number_id: str
) -> History[ForwardingNumber]:
    """A forwarding number's changes, newest first; a deleted number's stay readable."""
    async with db.reading() as uow:
        repo = Repository(uow)
        target = await resolve_target(repo, principal, account_ref, extension_ref)
        changes = await _trail(repo, target, NUMBER_RESOURCE, number_id, number_from_document)
        numbers = await repo.list_forwarding_numbers(target.extension.id)
        if not changes and _current_number(numbers, number_id) is None:
            raise not_found("forwardingNumberId")
        return History(target, number_id, changes)


async def revert_number_change(
    db: Database,
    principal: Principal,
    account_ref: str,
    extension_ref: str,
    number_id: str,
    version: int,
) -> tuple[Target, ForwardingNumber]:
    """Put the number back as it was before the change that made ``version``, as a new
    change; a deleted number comes back under its own id (inactive in every rule)."""
    async with db.writing() as uow:
        repo = Repository(uow)
        target = await resolve_target(repo, principal, account_ref, extension_ref)
        await repo.lock_extension(target.extension.id)
        changes = await _trail(repo, target, NUMBER_RESOURCE, number_id, number_from_document)
        numbers = await repo.list_forwarding_numbers(target.extension.id)
        current = _current_number(numbers, number_id)
        if not changes and current is None:
            raise not_found("forwardingNumberId")
        earlier = _find_change(changes, version).before
        if earlier is None:
            raise ValidationError(
                f"Version {version} registered the number; delete the number to undo it",
                parameter_name="version",
            )
        context = NumberContext(
            extension_id=target.extension.id,
            existing=numbers,
            account_direct_numbers=await repo.account_direct_numbers(target.account.id),
            region=target.account.country,
        )
        restored = restored_forwarding_number(earlier, context=context)
        if current is None:
            await repo.insert_forwarding_number(restored)
        else:
            await repo.update_forwarding_number(restored)
        await record_change(
            repo,
            principal,
            target,
            resource_type=NUMBER_RESOURCE,
            resource_id=number_id,
            version=len(changes) + 1,
            before=number_document(current),
            after=number_document(restored),
        )
        return target, restored


async def hours_history(
    db: Database, principal: Principal, account_ref: str, extension_ref: str
) -> History[BusinessHours]:
    """The extension's business-hours changes, newest first."""
    async with db.reading() as uow:
        repo = Repository(uow)
        target = await resolve_target(repo, principal, account_ref, extension_ref)
        changes = await _trail(
            repo, target, HOURS_RESOURCE, target.extension.id, hours_from_document
        )
        return History(target, target.extension.id, changes)


async def revert_hours_change(
    db: Database, principal: Principal, account_ref: str, extension_ref: str, version: int
) -> tuple[Target, BusinessHours]:
    """Set the business hours back to what they were before the change that made
    ``version``, as a new change."""
    async with db.writing() as uow:
        repo = Repository(uow)
        target = await resolve_target(repo, principal, account_ref, extension_ref)
        await repo.lock_extension(target.extension.id)
        changes = await _trail(
            repo, target, HOURS_RESOURCE, target.extension.id, hours_from_document
        )
        earlier = _find_change(changes, version).before
        if earlier is None:  # every recorded change has a before; kept for old records
            raise ValidationError(
                f"Version {version} has nothing to go back to", parameter_name="version"
            )
        current = await repo.get_business_hours(target.extension.id)
        await repo.save_business_hours(target.extension.id, earlier)
        await record_change(
            repo,
            principal,
            target,
            resource_type=HOURS_RESOURCE,
            resource_id=target.extension.id,
            version=len(changes) + 1,
            before=hours_document(current),
            after=hours_document(earlier),
        )
        return target, earlier
