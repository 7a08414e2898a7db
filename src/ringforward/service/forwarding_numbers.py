"""Use cases for forwarding numbers: list, create, read, update, delete, bulk delete."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from ringforward.domain.errors import invalid, missing, not_found
from ringforward.domain.forwarding_list import without_numbers
from ringforward.domain.forwarding_numbers import (
    NumberContext,
    new_forwarding_number,
    update_forwarding_number,
)
from ringforward.domain.model import ForwardingNumber
from ringforward.service.access import Target
from ringforward.service.read_model import cached
from ringforward.service.rules_store import save_rule
from ringforward.service.schema import check_schema
from ringforward.service.scope import ExtensionCall, Scope, editing, reading

NUMBER_RESOURCE = "forwarding-number"


@dataclass(frozen=True)
class NumberView:
    target: Target
    number: ForwardingNumber


@dataclass(frozen=True)
class NumberList:
    target: Target
    numbers: list[ForwardingNumber]


def number_document(number: ForwardingNumber | None) -> str | None:
    """How a number is kept in the audit trail (and read back from it by the history)."""
    return json.dumps(asdict(number), ensure_ascii=False) if number else None


async def number_context(scope: Scope) -> NumberContext:
    """What validating a forwarding number of the scope's extension needs to know."""
    return NumberContext(
        extension_id=scope.extension.id,
        existing=await scope.forwarding_numbers(),
        account_direct_numbers=await scope.repos.extensions.account_direct_numbers(
            scope.account.id
        ),
        region=scope.account.country,
    )


def _find(numbers: Sequence[ForwardingNumber], number_id: str) -> ForwardingNumber:
    for number in numbers:
        if number.id == number_id:
            return number
    raise not_found("forwardingNumberId")


async def _audit(
    scope: Scope, number_id: str, before: ForwardingNumber | None, after: ForwardingNumber | None
) -> None:
    await scope.record_trail_change(
        NUMBER_RESOURCE, number_id, before=number_document(before), after=number_document(after)
    )


async def list_forwarding_numbers(ext: ExtensionCall, *, fresh: bool = False) -> NumberList:
    async def load() -> NumberList:
        async with reading(ext) as scope:
            return NumberList(scope.target, await scope.forwarding_numbers())

    listed = await cached(ext, ("numbers",), load, fresh=fresh)
    # A copy of the list: what a caller does with it must not change the kept answer.
    return NumberList(listed.target, list(listed.numbers))


async def get_forwarding_number(ext: ExtensionCall, number_id: str) -> NumberView:
    listed = await list_forwarding_numbers(ext)
    return NumberView(listed.target, _find(listed.numbers, number_id))


async def create_forwarding_number(ext: ExtensionCall, body: Mapping[str, Any]) -> NumberView:
    """Register a number; it joins every rule as inactive until put into a forwarding list."""
    check_schema(body, "CreateForwardingNumberRequest")
    async with editing(ext) as scope:
        draft = new_forwarding_number(body, number_id="", context=await number_context(scope))
        number = replace(draft, id=str(await scope.repos.sequences.next_id("forwarding_number")))
        await scope.repos.numbers.insert_forwarding_number(number)
        await _audit(scope, number.id, None, number)
        return NumberView(scope.target, number)


async def update_forwarding_number_use_case(
    ext: ExtensionCall, number_id: str, body: Mapping[str, Any]
) -> NumberView:
    check_schema(body, "UpdateForwardingNumberRequest")
    async with editing(ext) as scope:
        context = await number_context(scope)
        current = _find(context.existing, number_id)
        updated = update_forwarding_number(current, body, context=context)
        await scope.repos.numbers.update_forwarding_number(updated)
        await _audit(scope, number_id, current, updated)
        return NumberView(scope.target, updated)


async def delete_forwarding_numbers(
    ext: ExtensionCall, number_ids: Sequence[str], *, parameter_names: Sequence[str] | None = None
) -> None:
    """Delete numbers and take them out of every rule; all or nothing."""
    async with editing(ext) as scope:
        existing = {n.id: n for n in await scope.forwarding_numbers()}
        names = parameter_names or ["forwardingNumberId"] * len(number_ids)
        for number_id, name in zip(number_ids, names, strict=True):
            if number_id not in existing:
                raise not_found(name)
        await scope.repos.numbers.delete_forwarding_numbers(scope.extension.id, number_ids)
        for rule in await scope.repos.rules.list_rules(scope.extension.id):
            if rule.forwarding.active_number_ids() & set(number_ids):
                groups = without_numbers(rule.forwarding.groups, number_ids)
                changed = replace(rule, forwarding=replace(rule.forwarding, groups=groups))
                await save_rule(scope, rule, changed)
        for number_id in number_ids:
            await _audit(scope, number_id, existing[number_id], None)


async def delete_listed_numbers(ext: ExtensionCall, body: Mapping[str, Any]) -> None:
    """The bulk delete: ``{"records": [{"id": …}]}``, checked like every write."""
    check_schema(body, "DeleteForwardingNumbersRequest")
    ids, names = bulk_delete_ids(body)
    await delete_forwarding_numbers(ext, ids, parameter_names=names)


def bulk_delete_ids(body: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """Ids and their parameter paths from ``{"records": [{"id": …}]}``.

    The spec names the key ``forwardingNumberId``; the behaviour page says ``id``; both work.
    """
    records = body.get("records")
    if not records:
        raise missing("records")
    ids: list[str] = []
    names: list[str] = []
    for position, record in enumerate(records):
        key = "id" if record.get("id") is not None else "forwardingNumberId"
        value = record.get(key)
        if value is None:
            raise missing(f"records[{position}].id")
        if str(value) in ids:
            raise invalid(f"records[{position}].{key}", "listed twice")
        ids.append(str(value))
        names.append(f"records[{position}].{key}")
    return ids, names
