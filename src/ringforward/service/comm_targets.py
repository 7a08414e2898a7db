"""Forwarding targets: every endpoint an extension's ring groups ring, listed and removed."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ringforward.domain.comm_handling.dispatching import target_key
from ringforward.domain.comm_handling.model import (
    APP_TARGET_NAMES,
    INTERACTION_RULE,
    STATE_RULE,
)
from ringforward.domain.comm_handling.ring_groups import without_target
from ringforward.domain.errors import invalid, not_found
from ringforward.domain.phone import try_normalize
from ringforward.service.access import resolve_account
from ringforward.service.comm_common import enhanced_scope, save
from ringforward.service.schema import check_schema
from ringforward.service.scope import ExtensionCall, Scope
from ringforward.store.comm_handling import CommRepository, StoredItem

FORWARDING_TARGET_TYPES = ("PhoneNumberRingTarget", "CoworkerRingTarget", "DeviceRingTarget")


def _dispatching_of(item: StoredItem) -> dict[str, Any]:
    document = item.document
    return document["dispatching"] if item.kind == INTERACTION_RULE else document


def _ring_targets(items: list[StoredItem]) -> Iterator[dict[str, Any]]:
    for item in items:
        for action in _dispatching_of(item)["actions"]:
            if action["type"] == "RingGroupAction":
                yield from action["targets"]


async def _items(comm: CommRepository, extension_id: str) -> list[StoredItem]:
    return [
        *await comm.items(extension_id, STATE_RULE),
        *await comm.items(extension_id, INTERACTION_RULE),
    ]


def _as_forwarding_target(target: dict[str, Any]) -> dict[str, Any]:
    out = dict(target)
    if out["type"] == "DeviceRingTarget":
        out["device"] = {"id": target["device"]["id"], "name": target.get("name", "")}
    return out


async def forwarding_targets(
    ext: ExtensionCall, *, exclude_own: bool = False
) -> list[dict[str, Any]]:
    """Distinct phone numbers, coworkers and devices the extension's rules ring."""
    async with enhanced_scope(ext) as scope:
        seen: dict[str, dict[str, Any]] = {}
        for target in _ring_targets(await _items(scope.repos.comm, scope.extension.id)):
            if target["type"] not in FORWARDING_TARGET_TYPES:
                continue
            if exclude_own and target["type"] == "DeviceRingTarget":
                continue
            seen.setdefault(target_key(target), _as_forwarding_target(target))
        return list(seen.values())


def _request_key(record: dict[str, Any], region: str) -> str:
    if record["type"] == "PhoneNumberRingTarget":
        number = try_normalize(str(record["destination"]["phoneNumber"]), region=region)
        if number is None:
            raise invalid("records.destination.phoneNumber", "not a phone number")
        return f"PhoneNumberRingTarget:{number}"
    if record["type"] not in FORWARDING_TARGET_TYPES and record["type"] not in APP_TARGET_NAMES:
        return f"unsupported:{record['type']}"
    return target_key(record)


async def remove_forwarding_targets(
    ext: ExtensionCall, body: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Take each target out of every ring group of the extension; one result per record."""
    records = check_schema(body, "CommRemoveForwardingTargetsRequest")["records"]
    async with enhanced_scope(ext, writing=True) as scope:
        results = []
        for record in records:
            key = _request_key(record, scope.account.country)
            removed = await _remove_everywhere(scope, key)
            result: dict[str, Any] = {"bulkItemSuccessful": removed, "bulkItem": record}
            if not removed:
                result["bulkItemErrors"] = [
                    {"errorCode": "CMN-102", "message": "The target is not used by any rule"}
                ]
            results.append(result)
        return results


async def _remove_everywhere(scope: Scope, key: str) -> bool:
    removed = False
    for item in await _items(scope.repos.comm, scope.extension.id):
        dispatching = without_target(_dispatching_of(item), key)
        if dispatching is None:
            continue
        removed = True
        document = {**item.document, "dispatching": dispatching}
        await save(scope, item, document if item.kind == INTERACTION_RULE else dispatching)
    return removed


async def extensions_using_device(ext: ExtensionCall, device_id: str) -> list[str]:
    """Ids of the account's extensions whose rules ring ``device_id``."""
    async with enhanced_scope(ext) as scope:
        account = await resolve_account(scope.repos.extensions, ext.who, ext.account_id)
        found: list[str] = []
        known = False
        for extension in await scope.repos.extensions.list_extensions(account.id):
            numbers = await scope.repos.numbers.list_forwarding_numbers(extension.id)
            known = known or any(n.device_id == device_id for n in numbers)
            targets = _ring_targets(await _items(scope.repos.comm, extension.id))
            if any(
                t["type"] == "DeviceRingTarget" and t["device"]["id"] == device_id for t in targets
            ):
                found.append(extension.id)
        if not found and not known:
            raise not_found("deviceId")
        return found
