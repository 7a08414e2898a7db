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
from ringforward.domain.forwarding_numbers import restored_forwarding_number
from ringforward.domain.model import BusinessHours, Extension, ForwardingNumber
from ringforward.service.access import Target
from ringforward.service.business_hours import HOURS_RESOURCE, HoursView, hours_document
from ringforward.service.forwarding_numbers import (
    NUMBER_RESOURCE,
    NumberView,
    number_context,
    number_document,
)
from ringforward.service.scope import ExtensionCall, Scope, editing, reading
from ringforward.store.codec import weekly_from_json

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


async def _trail(
    scope: Scope, resource_type: str, resource_id: str, parse: Callable[[str | None], T | None]
) -> tuple[Change[T], ...]:
    records = await scope.repos.audit.resource_trail(scope.extension.id, resource_type, resource_id)
    actors = {e.id: e for e in await scope.repos.extensions.list_extensions(scope.account.id)}
    changes = [
        Change(
            version=position,
            at=record.at,
            actor_id=record.actor,
            actor=actors.get(record.actor),
            before=parse(record.before),
            after=parse(record.after),
        )
        for position, record in enumerate(records, start=1)
    ]
    return tuple(reversed(changes))


def _find_change(changes: Sequence[Change[T]], version: int) -> Change[T]:
    for change in changes:
        if change.version == version:
            return change
    raise not_found("version")


async def _record_revert(
    scope: Scope,
    resource_type: str,
    resource_id: str,
    changes: Sequence[Change[T]],
    before: str | None,
    after: str | None,
) -> None:
    """A revert is recorded as a change of its own: the next version of the trail."""
    version = len(changes) + 1
    await scope.record_change(
        resource_type, resource_id, version=version, before=before, after=after
    )


def _current_number(numbers: Sequence[ForwardingNumber], number_id: str) -> ForwardingNumber | None:
    return next((number for number in numbers if number.id == number_id), None)


async def number_history(ext: ExtensionCall, number_id: str) -> History[ForwardingNumber]:
    """A forwarding number's changes, newest first; a deleted number's stay readable."""
    async with reading(ext) as scope:
        changes = await _trail(scope, NUMBER_RESOURCE, number_id, number_from_document)
        if not changes and _current_number(await scope.forwarding_numbers(), number_id) is None:
            raise not_found("forwardingNumberId")
        return History(scope.target, number_id, changes)


async def revert_number_change(ext: ExtensionCall, number_id: str, version: int) -> NumberView:
    """Put the number back as it was before the change that made ``version``, as a new
    change; a deleted number comes back under its own id (inactive in every rule)."""
    async with editing(ext) as scope:
        changes = await _trail(scope, NUMBER_RESOURCE, number_id, number_from_document)
        current = _current_number(await scope.forwarding_numbers(), number_id)
        if not changes and current is None:
            raise not_found("forwardingNumberId")
        earlier = _find_change(changes, version).before
        if earlier is None:
            raise ValidationError(
                f"Version {version} registered the number; delete the number to undo it",
                parameter_name="version",
            )
        restored = restored_forwarding_number(earlier, context=await number_context(scope))
        if current is None:
            await scope.repos.numbers.insert_forwarding_number(restored)
        else:
            await scope.repos.numbers.update_forwarding_number(restored)
        await _record_revert(
            scope,
            NUMBER_RESOURCE,
            number_id,
            changes,
            number_document(current),
            number_document(restored),
        )
        return NumberView(scope.target, restored)


async def hours_history(ext: ExtensionCall) -> History[BusinessHours]:
    """The extension's business-hours changes, newest first."""
    async with reading(ext) as scope:
        changes = await _trail(scope, HOURS_RESOURCE, scope.extension.id, hours_from_document)
        return History(scope.target, scope.extension.id, changes)


async def revert_hours_change(ext: ExtensionCall, version: int) -> HoursView:
    """Set the business hours back to what they were before the change that made
    ``version``, as a new change."""
    async with editing(ext) as scope:
        extension_id = scope.extension.id
        changes = await _trail(scope, HOURS_RESOURCE, extension_id, hours_from_document)
        earlier = _find_change(changes, version).before
        if earlier is None:  # every recorded change has a before; kept for old records
            raise ValidationError(
                f"Version {version} has nothing to go back to", parameter_name="version"
            )
        current = await scope.repos.extensions.get_business_hours(extension_id)
        await scope.repos.extensions.save_business_hours(extension_id, earlier)
        await _record_revert(
            scope,
            HOURS_RESOURCE,
            extension_id,
            changes,
            hours_document(current),
            hours_document(earlier),
        )
        return HoursView(scope.target, earlier)
