"""Reads and writes of devices inside one unit of work."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import insert, select
from sqlalchemy.engine import RowMapping

from ringforward.domain.devices import Device, DeviceType
from ringforward.store import tables as t
from ringforward.store.database import UnitOfWork


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


class DeviceRepository:
    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def _rows(self, statement: Any) -> list[Device]:
        result = await self._uow.connection.execute(statement)
        return [_device(row) for row in result.mappings().all()]

    async def insert(self, device: Device) -> None:
        await self._uow.connection.execute(
            insert(t.devices).values(
                id=device.id,
                extension_id=device.extension_id,
                type=device.type,
                name=device.name,
                user_name=device.user_name,
                authorization_id=device.authorization_id,
                sip_password=device.sip_password,
            )
        )

    async def of_extension(self, extension_id: str) -> list[Device]:
        return await self._rows(
            select(t.devices)
            .where(t.devices.c.extension_id == extension_id)
            .order_by(t.devices.c.id)
        )

    async def of_extensions(self, extension_ids: list[str]) -> list[Device]:
        return await self._rows(
            select(t.devices).where(t.devices.c.extension_id.in_(extension_ids))
        )

    async def get(self, device_id: str) -> Device | None:
        found = await self._rows(select(t.devices).where(t.devices.c.id == device_id))
        return found[0] if found else None

    async def by_authorization_id(self, authorization_id: str) -> Device | None:
        found = await self._rows(
            select(t.devices).where(t.devices.c.authorization_id == authorization_id)
        )
        return found[0] if found else None
