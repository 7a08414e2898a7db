"""What the SIP proxy asks: how to fork a call, and a registering device's credentials."""

from __future__ import annotations

import secrets

from ringforward.domain.callflow import CallFlow
from ringforward.domain.devices import Device
from ringforward.domain.errors import not_found
from ringforward.domain.model import Extension
from ringforward.domain.phone import try_normalize
from ringforward.domain.ring_timeline import coworker_id
from ringforward.domain.sip_plan import DeviceDirectory, SipPlan, sip_plan
from ringforward.service.callflow import load_reachable, parse_call
from ringforward.store.database import Database
from ringforward.store.repositories import Repositories, stored

SECRET_KEY = "sip_proxy_secret"


async def _called_extension(repo: Repositories, called: str) -> Extension | None:
    """The extension a called number or extension id names; None when nobody has it."""
    if called.isdigit():
        by_id = await repo.extensions.get_extension(called)
        if by_id is not None:
            return by_id
    number = try_normalize(called)
    if number is None:
        return None
    return await repo.extensions.find_by_direct_number(number)


def _directory(devices: list[Device]) -> DeviceDirectory:
    apps: dict[str, list[str]] = {}
    by_id = {device.id: device.user_name for device in devices}
    for device in devices:
        if device.is_app:
            apps.setdefault(device.extension_id, []).append(device.user_name)
    return DeviceDirectory(apps=lambda extension_id: apps.get(extension_id, []), device=by_id.get)


async def route_call(
    db: Database,
    *,
    called: str,
    caller: str | None,
    at: str | None,
    seconds_per_ring: float,
) -> SipPlan:
    """The forking plan of a call to ``called`` (a direct number or an extension id).

    The same engine as ``simulate`` decides; an unknown number is a 404.
    """
    async with stored(db, writing=False) as repo:
        extension = await _called_extension(repo, called)
        account = await repo.extensions.get_account(extension.account_id) if extension else None
        if extension is None or account is None:
            raise not_found("to")
        region = account.country
        call = parse_call(
            at,
            try_normalize(caller, region=region) if caller else None,
            try_normalize(called, region=region),
            region=region,
        )
        reachable = await load_reachable(repo, account, extension)
        flows = {ext: reachable.flow(ext, call) for ext in reachable.extension_ids}
        # Whose devices can ring: every extension a transfer reaches, and every coworker
        # a ring group names.
        ringing = set(flows) | {
            coworker
            for flow in flows.values()
            if flow is not None
            for step in flow.steps
            for entry in step.ring
            if (coworker := coworker_id(entry)) is not None
        }
        devices = await repo.devices.devices_of(sorted(ringing))

    def flow_of(extension_id: str) -> CallFlow | None:
        return flows.get(extension_id)

    return sip_plan(
        reachable.answer(call),
        _directory(devices),
        seconds_per_ring=seconds_per_ring,
        flow_of=flow_of,
    )


async def device_for_registration(db: Database, authorization_id: str) -> Device | None:
    async with stored(db, writing=False) as repo:
        return await repo.devices.by_authorization_id(authorization_id)


async def proxy_secret(db: Database) -> str:
    """The secret the SIP proxy proves itself with; made on first use and kept."""
    async with stored(db, writing=False) as repo:
        found = await repo.credentials.get_setting(SECRET_KEY)
    if found:
        return found
    async with stored(db, writing=True) as repo:
        found = await repo.credentials.get_setting(SECRET_KEY)
        if found:
            return found
        value = secrets.token_urlsafe(32)
        await repo.credentials.set_setting(SECRET_KEY, value)
        return value
