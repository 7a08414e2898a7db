"""Devices: an extension's device list and a device's SIP credentials (sip-info)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from ringforward.api.deps import base_url, database, principal, settings
from ringforward.api.paging import page_request, paged
from ringforward.api.render import account_uri, extension_uri
from ringforward.domain.devices import Device
from ringforward.domain.model import Extension
from ringforward.service import devices as use_cases

router = APIRouter(prefix="/restapi/v1.0/account/{accountId}")


def device_json(base: str, extension: Extension, device: Device) -> dict[str, Any]:
    return {
        "id": device.id,
        "uri": f"{account_uri(base, extension.account_id)}/device/{device.id}",
        "type": device.type,
        "name": device.name,
        # Registration state lives in the SIP proxy, which the API does not ask.
        "status": "Offline",
        "extension": {
            "id": int(extension.id),
            "uri": extension_uri(base, extension.account_id, extension.id),
            "extensionNumber": extension.extension_number,
        },
    }


@router.get("/extension/{extensionId}/device")
async def list_devices(request: Request, accountId: str, extensionId: str) -> dict[str, Any]:
    who = await principal(request)
    page = page_request(request)
    target, devices = await use_cases.list_devices(database(request), who, accountId, extensionId)
    base = base_url(request)
    collection = extension_uri(base, target.extension.account_id, target.extension.id)
    chunk, fields = paged(request, devices, page, collection_uri=f"{collection}/device")
    return {"records": [device_json(base, target.extension, d) for d in chunk], **fields}


@router.get("/device/{deviceId}/sip-info")
async def sip_info(request: Request, accountId: str, deviceId: str) -> dict[str, Any]:
    who = await principal(request)
    _, device = await use_cases.get_device(database(request), who, accountId, deviceId)
    current = settings(request)
    return {
        "domain": current.sip_domain,
        "outboundProxies": [{"region": "NA", "proxy": current.sip_outbound_proxy}],
        "userName": device.user_name,
        "password": device.sip_password,
        "authorizationId": device.authorization_id,
    }
