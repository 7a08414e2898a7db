"""An extension's business hours: read and replace."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from ringforward.api.body import read_json
from ringforward.api.deps import base_url, database, principal
from ringforward.api.render import business_hours_json
from ringforward.service import business_hours as use_cases

router = APIRouter(prefix="/restapi/v1.0/account/{accountId}/extension/{extensionId}")


@router.get("/business-hours")
async def read_hours(request: Request, accountId: str, extensionId: str) -> dict[str, Any]:
    target, hours = await use_cases.get_business_hours(
        database(request), await principal(request), accountId, extensionId
    )
    return business_hours_json(base_url(request), target.extension, hours)


@router.put("/business-hours")
async def update_hours(request: Request, accountId: str, extensionId: str) -> dict[str, Any]:
    who = await principal(request)
    body = await read_json(request, "UserBusinessHoursUpdateRequest")
    target, hours = await use_cases.update_business_hours(
        database(request), who, accountId, extensionId, body
    )
    return business_hours_json(base_url(request), target.extension, hours)
