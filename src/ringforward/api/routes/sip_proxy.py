"""The SIP proxy's questions: how to fork a call, and a device's digest credentials.

Not part of RingCentral's API. Only the proxy may ask: it must come from one of
``sip_proxy_sources`` and send the shared secret in ``X-Ringforward-Proxy-Secret``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request

from ringforward.api.deps import Db, database, settings
from ringforward.api.errors import HttpError
from ringforward.domain.errors import invalid, missing
from ringforward.service.secrets import same_secret
from ringforward.service.sip_routing import (
    device_for_registration,
    proxy_secret,
    route_call,
)
from ringforward.wire.sip_plan import sip_plan_json

SECRET_HEADER = "x-ringforward-proxy-secret"


async def _check_proxy(request: Request) -> None:
    allowed = {source.strip() for source in settings(request).sip_proxy_sources.split(",")}
    host = request.client.host if request.client else ""
    if host not in allowed:
        raise HttpError(403, "The SIP proxy interface is not open to this address", code="CMN-408")
    expected = settings(request).sip_proxy_secret or getattr(
        request.app.state, "sip_proxy_secret", None
    )
    if expected is None:
        expected = await proxy_secret(database(request))
        request.app.state.sip_proxy_secret = expected
    given = request.headers.get(SECRET_HEADER, "")
    if not same_secret(given, expected):
        raise HttpError(401, "Invalid SIP proxy secret", code="AUTH-102")


# The proxy is checked before anything else, so a stranger learns nothing of parameters.
router = APIRouter(prefix="/internal/sip", dependencies=[Depends(_check_proxy)])


def _seconds_per_ring(request: Request) -> float:
    raw = request.query_params.get("secondsPerRing", "5")
    try:
        value = float(raw)
    except ValueError as error:
        raise invalid("secondsPerRing", "must be a number") from error
    if not 0.1 <= value <= 60:
        raise invalid("secondsPerRing", "must be between 0.1 and 60")
    return value


@router.get("/route")
async def route(request: Request, db: Db) -> dict[str, Any]:
    """The forking plan of a call to ``to`` from ``from`` (see docs/sip.md)."""
    called = request.query_params.get("to")
    if not called:
        raise missing("to")
    at = request.query_params.get("at") or settings(request).clock or None
    plan = await route_call(
        db,
        called=called,
        caller=request.query_params.get("from") or None,
        at=at,
        seconds_per_ring=_seconds_per_ring(request),
    )
    return sip_plan_json(plan)


@router.get("/credentials")
async def credentials(request: Request, db: Db) -> dict[str, Any]:
    """The digest credentials of the device registering as ``authorizationId``."""
    authorization_id = request.query_params.get("authorizationId")
    if not authorization_id:
        raise missing("authorizationId")
    device = await device_for_registration(db, authorization_id)
    if device is None:
        raise HttpError(404, "Device not found", code="CMN-102")
    return {
        "userName": device.user_name,
        "password": device.sip_password,
        "extension": device.extension_id,
        "device": device.id,
    }
