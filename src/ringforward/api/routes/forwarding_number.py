"""Forwarding numbers: list, create, read, update, delete and bulk delete."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from ringforward.api.body import read_json
from ringforward.api.deps import base_url, database, principal
from ringforward.api.paging import page_request, paged
from ringforward.api.render import extension_uri, forwarding_number_json
from ringforward.service import forwarding_numbers as use_cases

router = APIRouter(prefix="/restapi/v1.0/account/{accountId}/extension/{extensionId}")


@router.get("/forwarding-number")
async def list_numbers(request: Request, accountId: str, extensionId: str) -> dict[str, Any]:
    # The token first: a caller without one learns nothing, not even about its query.
    who = await principal(request)
    page = page_request(request)
    target, numbers = await use_cases.list_forwarding_numbers(
        database(request), who, accountId, extensionId
    )
    base = base_url(request)
    collection = extension_uri(base, target.extension.account_id, target.extension.id)
    chunk, fields = paged(request, numbers, page, collection_uri=f"{collection}/forwarding-number")
    return {
        "records": [forwarding_number_json(base, target.extension, n) for n in chunk],
        **fields,
    }


@router.post("/forwarding-number")
async def create_number(request: Request, accountId: str, extensionId: str) -> dict[str, Any]:
    who = await principal(request)
    body = await read_json(request, "CreateForwardingNumberRequest")
    target, number = await use_cases.create_forwarding_number(
        database(request), who, accountId, extensionId, body
    )
    return forwarding_number_json(base_url(request), target.extension, number)


@router.delete("/forwarding-number")
async def delete_numbers(request: Request, accountId: str, extensionId: str) -> Response:
    who = await principal(request)
    body = await read_json(request, "DeleteForwardingNumbersRequest")
    ids, names = use_cases.bulk_delete_ids(body)
    await use_cases.delete_forwarding_numbers(
        database(request), who, accountId, extensionId, ids, parameter_names=names
    )
    return Response(status_code=204)


@router.get("/forwarding-number/{forwardingNumberId}")
async def read_number(
    request: Request, accountId: str, extensionId: str, forwardingNumberId: str
) -> dict[str, Any]:
    target, number = await use_cases.get_forwarding_number(
        database(request), await principal(request), accountId, extensionId, forwardingNumberId
    )
    return forwarding_number_json(base_url(request), target.extension, number)


@router.put("/forwarding-number/{forwardingNumberId}")
async def update_number(
    request: Request, accountId: str, extensionId: str, forwardingNumberId: str
) -> dict[str, Any]:
    who = await principal(request)
    body = await read_json(request, "UpdateForwardingNumberRequest")
    target, number = await use_cases.update_forwarding_number_use_case(
        database(request), who, accountId, extensionId, forwardingNumberId, body
    )
    return forwarding_number_json(base_url(request), target.extension, number)


@router.delete("/forwarding-number/{forwardingNumberId}")
async def delete_number(
    request: Request, accountId: str, extensionId: str, forwardingNumberId: str
) -> Response:
    await use_cases.delete_forwarding_numbers(
        database(request), await principal(request), accountId, extensionId, [forwardingNumberId]
    )
    return Response(status_code=204)
