"""Our call-flow extension: ``POST …/extension/{extensionId}/call-flow/simulate``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from ringforward.api.body import read_json
from ringforward.api.deps import database, extensions_enabled, principal
from ringforward.api.errors import HttpError
from ringforward.domain.errors import invalid
from ringforward.service.callflow import simulate_call

router = APIRouter(prefix="/restapi/v1.0/account/{accountId}/extension/{extensionId}")


@router.post("/call-flow/simulate")
async def simulate(request: Request, accountId: str, extensionId: str) -> dict[str, Any]:
    """Which rule answers a call at ``at`` from ``from`` to ``to``, and who rings when."""
    if not extensions_enabled(request):
        raise HttpError(404, "Resource not found", code="CMN-102")
    who = await principal(request)
    has_body = request.headers.get("content-length") not in (None, "0")
    body = await read_json(request, None) if has_body else {}
    fields: dict[str, str | None] = {}
    for name in ("at", "from", "to"):
        value = body.get(name)
        if value is not None and not isinstance(value, str):
            raise invalid(name, "must be a string")
        fields[name] = value
    return await simulate_call(
        database(request),
        who,
        accountId,
        extensionId,
        at=fields["at"],
        caller=fields["from"],
        called=fields["to"],
    )
