"""The audit trail of forwarding numbers and business hours (our extension): list, revert."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter, Request

from ringforward.api.deps import BaseUrl, Paging
from ringforward.api.extension_call import Ext, extension_page
from ringforward.api.render import business_hours_json, forwarding_number_json
from ringforward.api.routes.history import actor_json, history_router, iso_time
from ringforward.domain.model import BusinessHours, Extension, ForwardingNumber
from ringforward.service import resource_history as use_cases
from ringforward.service.history import parse_version
from ringforward.service.resource_history import Change, History

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

    def rendered(value: T | None) -> dict[str, Any] | None:
        return None if value is None else render(extension, value)

    def change_json(change: Change[T]) -> dict[str, Any]:
        return {
            "version": change.version,
            "at": iso_time(change.at),
            "actor": actor_json(base, extension.account_id, change.actor_id, change.actor),
            "before": rendered(change.before),
            "after": rendered(change.after),
        }

    return extension_page(request, page, base, extension, collection, history.changes, change_json)


@numbers.get("")
async def number_history(
    request: Request, ext: Ext, forwardingNumberId: str, page: Paging, base: BaseUrl
) -> dict[str, Any]:
    history = await use_cases.number_history(ext, forwardingNumberId)

    def render(extension: Extension, number: ForwardingNumber) -> dict[str, Any]:
        return forwarding_number_json(base, extension, number)

    collection = f"forwarding-number/{forwardingNumberId}/history"
    return _history_json(request, page, base, history, collection, render)


@numbers.post("/{version}/revert")
async def revert_number(
    ext: Ext, forwardingNumberId: str, version: str, base: BaseUrl
) -> dict[str, Any]:
    view = await use_cases.revert_number_change(ext, forwardingNumberId, parse_version(version))
    return forwarding_number_json(base, view.target.extension, view.number)


@hours.get("")
async def hours_history(request: Request, ext: Ext, page: Paging, base: BaseUrl) -> dict[str, Any]:
    history = await use_cases.hours_history(ext)

    def render(extension: Extension, value: BusinessHours) -> dict[str, Any]:
        return business_hours_json(base, extension, value)

    return _history_json(request, page, base, history, "business-hours/history", render)


@hours.post("/{version}/revert")
async def revert_hours(ext: Ext, version: str, base: BaseUrl) -> dict[str, Any]:
    view = await use_cases.revert_hours_change(ext, parse_version(version))
    return business_hours_json(base, view.target.extension, view.hours)


# One router for the application to include, after the routes above are declared.
router = APIRouter()
router.include_router(numbers)
router.include_router(hours)
