"""Use cases for devices: an extension's device list and a device's SIP credentials."""

from __future__ import annotations

from ringforward.domain.devices import Device
from ringforward.domain.errors import not_found
from ringforward.service.access import Principal, Target, resolve_account, resolve_target
from ringforward.store.database import Database
from ringforward.store.devices import DeviceRepository
from ringforward.store.repository import Repository


async def list_devices(
    db: Database, principal: Principal, account_ref: str, extension_ref: str
) -> tuple[Target, list[Device]]:
    async with db.reading() as uow:
        target = await resolve_target(Repository(uow), principal, account_ref, extension_ref)
        return target, await DeviceRepository(uow).of_extension(target.extension.id)


async def get_device(
    db: Database, principal: Principal, account_ref: str, device_id: str
) -> tuple[Target, Device]:
    """A device of the account, if the principal may act on its extension.

    A device of another account answers like a missing one.
    """
    async with db.reading() as uow:
        repo = Repository(uow)
        await resolve_account(repo, principal, account_ref)
        device = await DeviceRepository(uow).get(device_id)
        if device is None:
            raise not_found("deviceId")
        extension = await repo.get_extension(device.extension_id)
        if extension is None or extension.account_id != principal.account_id:
            raise not_found("deviceId")
        target = await resolve_target(repo, principal, account_ref, device.extension_id)
        return target, device
