"""Forwarding numbers: list, create, read, update, delete and bulk delete."""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response

from ringforward.api.body import read_json
from ringforward.api.deps import BaseUrl, Caller, Db, Paging, extension_router
from ringforward.api.paging import paged
from ringforward.api.render import extension_uri, forwarding_number_json
from ringforward.service import forwarding_numbers as use_cases
from ringforward.service.forwarding_numbers import NumberView

router = extension_router("forwarding-number")


def _number_json(base: str, view: NumberView) -> dict[str, Any]:
    return forwarding_number_json(base, view.target.extension, view.number)


@router.get("")
async def list_numbers(
    request: Request,
    accountId: str,
    extensionId: str,
    who: Caller,
    db: Db,
    page: Paging,
    base: BaseUrl,
) -> dict[str, Any]:
    listed = await use_cases.list_forwarding_numbers(db, who, accountId, extensionId)
    extension = listed.target.extension
    collection = extension_uri(base, extension.account_id, extension.id)
    chunk, fields = paged(
        request, listed.numbers, page, collection_uri=f"{collection}/forwarding-number"
    )
    return {"records": [forwarding_number_json(base, extension, n) for n in chunk], **fields}


@router.post("")
async def create_number(
    request: Request, accountId: str, extensionId: str, who: Caller, db: Db, base: BaseUrl
) -> dict[str, Any]:
    body = await read_json(request)
    view = await use_cases.create_forwarding_number(db, who, accountId, extensionId, body)
    return _number_json(base, view)


@router.delete("")
async def delete_numbers(
    request: Request, accountId: str, extensionId: str, who: Caller, db: Db
) -> Response:
    body = await read_json(request)
    await use_cases.delete_listed_numbers(db, who, accountId, extensionId, body)
    return Response(status_code=204)


@router.get("/{forwardingNumberId}")
async def read_number(
    accountId: str, extensionId: str, forwardingNumberId: str, who: Caller, db: Db, base: BaseUrl
) -> dict[str, Any]:
    view = await use_cases.get_forwarding_number(
        db, who, accountId, extensionId, forwardingNumberId
    )
    return _number_json(base, view)


@router.put("/{forwardingNumberId}")
async def update_number(
    request: Request,
    accountId: str,
    extensionId: str,
    forwardingNumberId: str,
    who: Caller,
    db: Db,
    base: BaseUrl,
) -> dict[str, Any]:
    body = await read_json(request)
    view = await use_cases.update_forwarding_number_use_case(
        db, who, accountId, extensionId, forwardingNumberId, body
    )
    return _number_json(base, view)


@router.delete("/{forwardingNumberId}")
async def delete_number(
    accountId: str, extensionId: str, forwardingNumberId: str, who: Caller, db: Db
) -> Response:
    await use_cases.delete_forwarding_numbers(db, who, accountId, extensionId, [forwardingNumberId])
    return Response(status_code=204)
