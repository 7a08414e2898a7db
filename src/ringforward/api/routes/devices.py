"""Devices: an extension's device list and a device's SIP credentials (sip-info)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from ringforward.api.deps import AUTHENTICATED, BaseUrl, Caller, Db, Paging, settings
from ringforward.api.extension_call import Ext, extension_page
from ringforward.api.paths import ACCOUNT
from ringforward.api.render import account_uri, extension_uri
from ringforward.domain.devices import Device
from ringforward.domain.model import Extension
from ringforward.service import devices as use_cases

router = APIRouter(prefix=ACCOUNT, dependencies=AUTHENTICATED)


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
async def list_devices(request: Request, ext: Ext, page: Paging, base: BaseUrl) -> dict[str, Any]:
    listed = await use_cases.list_devices(ext)
    extension = listed.target.extension

    def render(device: Device) -> dict[str, Any]:
        return device_json(base, extension, device)

    return extension_page(request, page, base, extension, "device", listed.devices, render)


@router.get("/device/{deviceId}/sip-info")
async def sip_info(
    request: Request, accountId: str, deviceId: str, who: Caller, db: Db
) -> dict[str, Any]:
    device = (await use_cases.get_device(db, who, accountId, deviceId)).device
    current = settings(request)
    return {
        "domain": current.sip_domain,
        "outboundProxies": [{"region": "NA", "proxy": current.sip_outbound_proxy}],
        "userName": device.user_name,
        "password": device.sip_password,
        "authorizationId": device.authorization_id,
    }
