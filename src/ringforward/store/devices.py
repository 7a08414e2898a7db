"""Devices of extensions and the SIP credentials they register with."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import insert, select
from sqlalchemy.engine import RowMapping

from ringforward.domain.devices import Device, DeviceType
from ringforward.store import tables as t
from ringforward.store.queries import Queries


def _device(row: RowMapping) -> Device:
    return Device(
        id=row["id"],
        extension_id=row["extension_id"],
        type=cast(DeviceType, row["type"]),
        name=row["name"],
        user_name=row["user_name"],
        authorization_id=row["authorization_id"],
        sip_password=row["sip_password"],
    )


class DeviceRepository(Queries):
    async def _devices(self, statement: Any) -> list[Device]:
        return [_device(row) for row in await self._rows(statement)]

    async def _device(self, statement: Any) -> Device | None:
        row = await self._row(statement)
        return _device(row) if row else None

    async def insert_device(self, device: Device) -> None:
        await self._execute(insert(t.devices).values(**device.__dict__))

    async def list_devices(self, extension_id: str) -> list[Device]:
        return [
            _device(row)
            for row in await self._of_extension(t.devices, extension_id, t.devices.c.id)
        ]

    async def devices_of(self, extension_ids: list[str]) -> list[Device]:
        return await self._devices(
            select(t.devices).where(t.devices.c.extension_id.in_(extension_ids))
        )

    async def get_device(self, device_id: str) -> Device | None:
        return await self._device(select(t.devices).where(t.devices.c.id == device_id))

    async def by_authorization_id(self, authorization_id: str) -> Device | None:
        return await self._device(
            select(t.devices).where(t.devices.c.authorization_id == authorization_id)
        )
