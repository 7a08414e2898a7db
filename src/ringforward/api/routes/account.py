"""Accounts and extensions: read-only views."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from ringforward.api.deps import base_url, database, principal
from ringforward.api.paging import page_request, paged
from ringforward.api.render import account_json, account_uri, extension_json
from ringforward.service import accounts
from ringforward.service.access import time_zone_of

router = APIRouter(prefix="/restapi/v1.0/account/{accountId}")


@router.get("")
async def read_account(request: Request, accountId: str) -> dict[str, Any]:
    account = await accounts.get_account(database(request), await principal(request), accountId)
    return account_json(base_url(request), account)


@router.get("/extension")
async def list_extensions(request: Request, accountId: str) -> dict[str, Any]:
    who = await principal(request)
    page = page_request(request)
    account, extensions = await accounts.list_extensions(
        database(request),
        who,
        accountId,
        extension_number=request.query_params.get("extensionNumber"),
        emails=request.query_params.getlist("email"),
    )
    base = base_url(request)
    chunk, fields = paged(
        request, extensions, page, collection_uri=f"{account_uri(base, account.id)}/extension"
    )
    records = [extension_json(base, e, e.time_zone or account.time_zone) for e in chunk]
    return {"records": records, **fields}


@router.get("/extension/{extensionId}")
async def read_extension(request: Request, accountId: str, extensionId: str) -> dict[str, Any]:
    target = await accounts.get_extension(
        database(request), await principal(request), accountId, extensionId
    )
    return extension_json(base_url(request), target.extension, time_zone_of(target))
