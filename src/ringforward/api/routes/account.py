"""Accounts and extensions: read-only views."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from ringforward.api.deps import AUTHENTICATED, BaseUrl, Caller, Db, Paging
from ringforward.api.extension_call import Ext
from ringforward.api.paging import paged
from ringforward.api.paths import ACCOUNT
from ringforward.api.render import account_json, account_uri, extension_json
from ringforward.service import accounts
from ringforward.service.access import time_zone_of

router = APIRouter(prefix=ACCOUNT, dependencies=AUTHENTICATED)


@router.get("")
async def read_account(accountId: str, who: Caller, db: Db, base: BaseUrl) -> dict[str, Any]:
    return account_json(base, await accounts.get_account(db, who, accountId))


@router.get("/extension")
async def list_extensions(
    request: Request, accountId: str, who: Caller, db: Db, page: Paging, base: BaseUrl
) -> dict[str, Any]:
    listed = await accounts.list_extensions(
        db,
        who,
        accountId,
        extension_number=request.query_params.get("extensionNumber"),
        emails=request.query_params.getlist("email"),
    )
    account = listed.account
    chunk, fields = paged(
        request,
        listed.extensions,
        page,
        collection_uri=f"{account_uri(base, account.id)}/extension",
    )
    records = [extension_json(base, e, e.time_zone or account.time_zone) for e in chunk]
    return {"records": records, **fields}


@router.get("/extension/{extensionId}")
async def read_extension(ext: Ext, base: BaseUrl) -> dict[str, Any]:
    target = await accounts.get_extension(ext)
    return extension_json(base, target.extension, time_zone_of(target))
