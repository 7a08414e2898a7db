"""The audit trail of forwarding numbers and business hours (our extension): list, revert."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter, Request

from ringforward.api.deps import base_url, database, principal
from ringforward.api.paging import page_request, paged
from ringforward.api.render import business_hours_json, extension_uri, forwarding_number_json
from ringforward.api.routes.history import actor_json, iso_time, require_extensions
from ringforward.domain.model import BusinessHours, Extension, ForwardingNumber
from ringforward.service import resource_history as use_cases
from ringforward.service.history import parse_version
from ringforward.service.resource_history import History

router = APIRouter(prefix="/restapi/v1.0/account/{accountId}/extension/{extensionId}")
T = TypeVar("T")


def _history_json(
    request: Request,
    history: History[T],
    collection: str,
    render: Callable[[Extension, T], dict[str, Any]],
) -> dict[str, Any]:
    page = page_request(request)
    chunk, fields = paged(request, history.changes, page, collection_uri=collection)
    base = base_url(request)
    extension = history.target.extension

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


def _extension_uri(request: Request, extension: Extension) -> str:
    return extension_uri(base_url(request), extension.account_id, extension.id)


@router.get("/forwarding-number/{forwardingNumberId}/history")
async def number_history(
    request: Request, accountId: str, extensionId: str, forwardingNumberId: str
) -> dict[str, Any]:
    require_extensions(request)
    who = await principal(request)
    page_request(request)  # a bad page is refused before any lookup
    history = await use_cases.number_history(
        database(request), who, accountId, extensionId, forwardingNumberId
    )
    base = base_url(request)
    collection = (
        f"{_extension_uri(request, history.target.extension)}"
        f"/forwarding-number/{forwardingNumberId}/history"
    )

    def render(extension: Extension, number: ForwardingNumber) -> dict[str, Any]:
        return forwarding_number_json(base, extension, number)

    return _history_json(request, history, collection, render)


@router.post("/forwarding-number/{forwardingNumberId}/history/{version}/revert")
async def revert_number(
    request: Request, accountId: str, extensionId: str, forwardingNumberId: str, version: str
) -> dict[str, Any]:
    require_extensions(request)
    who = await principal(request)
    target, number = await use_cases.revert_number_change(
        database(request), who, accountId, extensionId, forwardingNumberId, parse_version(version)
    )
    return forwarding_number_json(base_url(request), target.extension, number)


@router.get("/business-hours/history")
async def hours_history(request: Request, accountId: str, extensionId: str) -> dict[str, Any]:
    require_extensions(request)
    who = await principal(request)
    page_request(request)
    history = await use_cases.hours_history(database(request), who, accountId, extensionId)
    base = base_url(request)
    collection = f"{_extension_uri(request, history.target.extension)}/business-hours/history"

    def render(extension: Extension, hours: BusinessHours) -> dict[str, Any]:
        return business_hours_json(base, extension, hours)

    return _history_json(request, history, collection, render)


@router.post("/business-hours/history/{version}/revert")
async def revert_hours(
    request: Request, accountId: str, extensionId: str, version: str
) -> dict[str, Any]:
    require_extensions(request)
    who = await principal(request)
    target, hours = await use_cases.revert_hours_change(
        database(request), who, accountId, extensionId, parse_version(version)
    )
    return business_hours_json(base_url(request), target.extension, hours)
