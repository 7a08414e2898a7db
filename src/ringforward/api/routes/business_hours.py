"""An extension's business hours: read and replace."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from ringforward.api.body import read_json
from ringforward.api.deps import BaseUrl, extension_router, wants_fresh
from ringforward.api.extension_call import Ext
from ringforward.api.render import business_hours_json
from ringforward.service import business_hours as use_cases
from ringforward.service.business_hours import HoursView

router = extension_router("business-hours")


def _hours_json(base: str, view: HoursView) -> dict[str, Any]:
    return business_hours_json(base, view.target.extension, view.hours)


@router.get("")
async def read_hours(request: Request, ext: Ext, base: BaseUrl) -> dict[str, Any]:
    view = await use_cases.get_business_hours(ext, fresh=wants_fresh(request))
    return _hours_json(base, view)


@router.put("")
async def update_hours(request: Request, ext: Ext, base: BaseUrl) -> dict[str, Any]:
    body = await read_json(request)
    return _hours_json(base, await use_cases.update_business_hours(ext, body))
