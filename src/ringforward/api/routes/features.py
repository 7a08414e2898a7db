"""``GET …/extension/{extensionId}/features``: how clients tell legacy from enhanced."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from ringforward.api.deps import extension_router, query_flag
from ringforward.api.extension_call import Ext
from ringforward.service.comm_generation import extension_generation

router = extension_router("features")
NEW_CALL_HANDLING = "NewCallHandlingAndForwarding"


@router.get("")
async def read_features(request: Request, ext: Ext) -> dict[str, Any]:
    """The one feature we model; its ``isNewBackendAvailable`` says the generation."""
    query_flag(request, "availableOnly")
    wanted = request.query_params.getlist("featureId")
    generation = await extension_generation(ext)
    record = {
        "id": NEW_CALL_HANDLING,
        "available": True,
        "params": [
            {
                "name": "isNewBackendAvailable",
                "value": "true" if generation == "enhanced" else "false",
            }
        ],
    }
    records = [record] if not wanted or NEW_CALL_HANDLING in wanted else []
    return {"records": records}
