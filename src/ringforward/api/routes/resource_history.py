"""The audit trail of forwarding numbers and business hours (our extension): list, revert."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter, Request

from ringforward.api.deps import BaseUrl, Caller, Db, Paging
from ringforward.api.paging import paged
from ringforward.api.render import business_hours_json, extension_uri, forwarding_number_json
from ringforward.api.routes.history import actor_json, history_router, iso_time
from ringforward.domain.model import BusinessHours, Extension, ForwardingNumber
from ringforward.service import resource_history as use_cases
from ringforward.service.history import parse_version
from ringforward.service.resource_history import History

T = TypeVar("T")
numbers = history_router("forwarding-number/{forwardingNumberId}/history")
hours = history_router("business-hours/history")


def _history_json(
    request: Request,
    page: Paging,
    base: str,
    history: History[T],
    collection: str,
    render: Callable[[Extension, T], dict[str, Any]],
) -> dict[str, Any]:
    extension = history.target.extension
    uri = f"{extension_uri(base, extension.account_id, extension.id)}/{collection}"
    chunk, fields = paged(request, history.changes, page, collection_uri=uri)

    def rendered(value: T | None) -> dict[str, Any] | None:
        return None if value is None else render(extension, value)

    records = [
        {
            "version": change.version,
            "at": iso_time(change.at),
            "actor": actor_json(base, extension.account_id, change.actor_id, change.actor),
            "before": rendered(change.before),
            "after": rendered(change.after),
        }
        for change in chunk
    ]
    return {"records": records, **fields}


@numbers.get("")
async def number_history(
    request: Request,
    accountId: str,
    extensionId: str,
    forwardingNumberId: str,
    who: Caller,
    db: Db,
    page: Paging,
    base: BaseUrl,
) -> dict[str, Any]:
    history = await use_cases.number_history(db, who, accountId, extensionId, forwardingNumberId)

    def render(extension: Extension, number: ForwardingNumber) -> dict[str, Any]:
        return forwarding_number_json(base, extension, number)

    collection = f"forwarding-number/{forwardingNumberId}/history"
    return _history_json(request, page, base, history, collection, render)


@numbers.post("/{version}/revert")
async def revert_number(
    accountId: str,
    extensionId: str,
    forwardingNumberId: str,
    version: str,
    who: Caller,
    db: Db,
    base: BaseUrl,
) -> dict[str, Any]:
    view = await use_cases.revert_number_change(
        db, who, accountId, extensionId, forwardingNumberId, parse_version(version)
    )
    return forwarding_number_json(base, view.target.extension, view.number)


@hours.get("")
async def hours_history(
    request: Request,
    accountId: str,
    extensionId: str,
    who: Caller,
    db: Db,
    page: Paging,
    base: BaseUrl,
) -> dict[str, Any]:
    history = await use_cases.hours_history(db, who, accountId, extensionId)

    def render(extension: Extension, value: BusinessHours) -> dict[str, Any]:
        return business_hours_json(base, extension, value)

    return _history_json(request, page, base, history, "business-hours/history", render)


@hours.post("/{version}/revert")
async def revert_hours(
    accountId: str, extensionId: str, version: str, who: Caller, db: Db, base: BaseUrl
) -> dict[str, Any]:
    view = await use_cases.revert_hours_change(
        db, who, accountId, extensionId, parse_version(version)
    )
    return business_hours_json(base, view.target.extension, view.hours)


# One router for the application to include, after the routes above are declared.
router = APIRouter()
router.include_router(numbers)
router.include_router(hours)
