"""Use cases for devices: an extension's device list and a device's SIP credentials."""

from __future__ import annotations

from dataclasses import dataclass

from ringforward.domain.devices import Device
from ringforward.domain.errors import not_found
from ringforward.service.access import Principal, Target, resolve_account, resolve_target
from ringforward.service.scope import ExtensionCall, reading
from ringforward.store.database import Database
from ringforward.store.repositories import stored


@dataclass(frozen=True)
class DeviceList:
    target: Target
    devices: list[Device]


@dataclass(frozen=True)
class DeviceView:
    target: Target
    device: Device


async def list_devices(ext: ExtensionCall) -> DeviceList:
    async with reading(ext) as scope:
        return DeviceList(scope.target, await scope.repos.devices.list_devices(scope.extension.id))


async def get_device(
    db: Database, principal: Principal, account_ref: str, device_id: str
) -> DeviceView:
    """A device of the account, if the principal may act on its extension.

    A device of another account answers like a missing one.
    """
    async with stored(db, writing=False) as repos:
        # The account comes first: a foreign account is refused before any device lookup.
        account = await resolve_account(repos.extensions, principal, account_ref)
        device = await repos.devices.get_device(device_id)
        if device is None:
            raise not_found("deviceId")
        extension = await repos.extensions.get_extension(device.extension_id)
        if extension is None or extension.account_id != account.id:
            raise not_found("deviceId")
        target = await resolve_target(repos.extensions, principal, account_ref, device.extension_id)
        return DeviceView(target, device)
