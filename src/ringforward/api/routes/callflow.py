"""Our call-flow extension: ``POST …/extension/{extensionId}/call-flow/simulate``."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request

from ringforward.api.body import read_json_value
from ringforward.api.deps import extension_router, principal, require_extensions, wants_fresh
from ringforward.api.extension_call import Ext
from ringforward.domain.errors import invalid
from ringforward.service.callflow import simulate_call
from ringforward.wire.callflow import call_flow_json

router = extension_router("call-flow", Depends(require_extensions), Depends(principal))


FIELDS = ("at", "from", "to")


def simulation_fields(value: Any) -> dict[str, str | None]:
    """The call a request body describes: ``at``, ``from`` and ``to``, each a string or
    absent; other fields are ignored."""
    # A body that is not an object names none of the fields: the call is "now, anyone".
    body = value if isinstance(value, dict) else {}
    fields: dict[str, str | None] = {}
    for name in FIELDS:
        field = body.get(name)
        if field is not None and not isinstance(field, str):
            raise invalid(name, "must be a string")
        fields[name] = field
    return fields


@router.post("/simulate")
async def simulate(request: Request, ext: Ext) -> dict[str, Any]:
    """Which rule answers a call at ``at`` from ``from`` to ``to``, and who rings when."""
    has_body = request.headers.get("content-length") not in (None, "0")
    fields = simulation_fields(await read_json_value(request) if has_body else {})
    flow = await simulate_call(
        ext,
        at=fields["at"],
        caller=fields["from"],
        called=fields["to"],
        fresh=wants_fresh(request),
    )
    return call_flow_json(flow)
