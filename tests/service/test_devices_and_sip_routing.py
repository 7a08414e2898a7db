"""Devices, the SIP proxy's routing decision and credentials, without HTTP."""

from __future__ import annotations

import pytest
from sqlalchemy import delete

from ringforward.domain.errors import NotFoundError, PermissionDeniedError
from ringforward.domain.sip_plan import Target
from ringforward.service import devices, sip_routing
from ringforward.service.provisioning import (
    DEMO_ADMIN_ID,
    DEMO_DEVICE_ID,
    DEMO_SIP_AUTH_ID,
    DEMO_SIP_USER,
    load_demo,
)
from ringforward.service.scope import ExtensionCall
from ringforward.store import tables as t
from ringforward.store.database import Database
from tests.service.conftest import ADMIN, OTHER, USER, own

pytestmark = pytest.mark.anyio
# Monday 10:00 in Los Angeles: inside the demo admin's business hours.
WEEKDAY = "2026-03-02T10:00:00"


async def test_the_demo_admin_lists_its_softphone(db: Database) -> None:
    listed = await devices.list_devices(own(db))
    assert listed.target.extension.id == DEMO_ADMIN_ID
    assert [(d.id, d.type, d.user_name) for d in listed.devices] == [
        (DEMO_DEVICE_ID, "SoftPhone", DEMO_SIP_USER)
    ]
    assert (await devices.list_devices(own(db, USER))).devices == []


async def test_devices_follow_the_access_rules(db: Database) -> None:
    with pytest.raises(PermissionDeniedError):
        await devices.list_devices(ExtensionCall(db, USER, "~", DEMO_ADMIN_ID))
    with pytest.raises(PermissionDeniedError):
        await devices.get_device(db, USER, "~", DEMO_DEVICE_ID)
    with pytest.raises(NotFoundError) as foreign:
        await devices.get_device(db, OTHER, "~", DEMO_DEVICE_ID)
    assert foreign.value.parameter_name == "deviceId"
    with pytest.raises(NotFoundError) as missing:
        await devices.get_device(db, ADMIN, "~", "99999999")
    assert missing.value.parameter_name == "deviceId"
    found = await devices.get_device(db, ADMIN, "~", DEMO_DEVICE_ID)
    assert found.device.authorization_id == DEMO_SIP_AUTH_ID


@pytest.mark.parametrize("called", ["+16505550101", "(650) 555-0101", DEMO_ADMIN_ID])
async def test_a_call_by_number_or_extension_id_rings_the_demo_timeline(
    db: Database, called: str
) -> None:
    plan = await sip_routing.route_call(
        db, called=called, caller=None, at=WEEKDAY, seconds_per_ring=1
    )
    assert plan.extension_id == DEMO_ADMIN_ID
    first = plan.stages[0]
    assert (first.start_ms, first.duration_ms) == (0, 3000)
    assert set(first.targets) == {
        Target("device", DEMO_SIP_USER),
        Target("gateway", "+16505550100"),
    }
    assert plan.stages[-1].targets == (Target("voicemail", DEMO_ADMIN_ID),)


async def test_a_number_nobody_has_is_a_404(db: Database) -> None:
    with pytest.raises(NotFoundError) as refused:
        await sip_routing.route_call(
            db, called="+16505550199", caller=None, at=WEEKDAY, seconds_per_ring=1
        )
    assert refused.value.parameter_name == "to"


async def test_registration_credentials_and_the_proxy_secret(db: Database) -> None:
    device = await sip_routing.device_for_registration(db, DEMO_SIP_AUTH_ID)
    assert device is not None and device.id == DEMO_DEVICE_ID
    assert await sip_routing.device_for_registration(db, "nobody") is None
    secret = await sip_routing.proxy_secret(db)
    assert len(secret) >= 32
    assert await sip_routing.proxy_secret(db) == secret


async def test_a_demo_database_without_devices_gets_its_softphone(db: Database) -> None:
    async with db.writing() as uow:
        await uow.connection.execute(delete(t.devices))
    assert (await devices.list_devices(own(db))).devices == []
    assert not await load_demo(db)
    listed = await devices.list_devices(own(db))
    assert [d.id for d in listed.devices] == [DEMO_DEVICE_ID]
