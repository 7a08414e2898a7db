"""Forwarding numbers: list, create, read, update, delete and bulk delete."""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response

from ringforward.api.body import read_json
from ringforward.api.deps import BaseUrl, Paging, extension_router, wants_fresh
from ringforward.api.extension_call import Ext, extension_page
from ringforward.api.render import forwarding_number_json
from ringforward.domain.model import ForwardingNumber
from ringforward.service import forwarding_numbers as use_cases
from ringforward.service.forwarding_numbers import NumberView

router = extension_router("forwarding-number")


def _number_json(base: str, view: NumberView) -> dict[str, Any]:
    return forwarding_number_json(base, view.target.extension, view.number)


@router.get("")
async def list_numbers(request: Request, ext: Ext, page: Paging, base: BaseUrl) -> dict[str, Any]:
    listed = await use_cases.list_forwarding_numbers(ext, fresh=wants_fresh(request))
    extension = listed.target.extension

    def render(number: ForwardingNumber) -> dict[str, Any]:
        return forwarding_number_json(base, extension, number)

    return extension_page(
        request, page, base, extension, "forwarding-number", listed.numbers, render
    )


@router.post("")
async def create_number(request: Request, ext: Ext, base: BaseUrl) -> dict[str, Any]:
    body = await read_json(request)
    return _number_json(base, await use_cases.create_forwarding_number(ext, body))


@router.delete("")
async def delete_numbers(request: Request, ext: Ext) -> Response:
    body = await read_json(request)
    await use_cases.delete_listed_numbers(ext, body)
    return Response(status_code=204)


@router.get("/{forwardingNumberId}")
async def read_number(ext: Ext, forwardingNumberId: str, base: BaseUrl) -> dict[str, Any]:
    return _number_json(base, await use_cases.get_forwarding_number(ext, forwardingNumberId))


@router.put("/{forwardingNumberId}")
async def update_number(
    request: Request, ext: Ext, forwardingNumberId: str, base: BaseUrl
) -> dict[str, Any]:
    body = await read_json(request)
    view = await use_cases.update_forwarding_number_use_case(ext, forwardingNumberId, body)
    return _number_json(base, view)


@router.delete("/{forwardingNumberId}")
async def delete_number(ext: Ext, forwardingNumberId: str) -> Response:
    await use_cases.delete_forwarding_numbers(ext, [forwardingNumberId])
    return Response(status_code=204)
