"""``GET …/extension/{extensionId}/features``: how clients tell legacy from enhanced."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from ringforward.api.deps import database, principal, query_flag
from ringforward.service.comm_generation import extension_generation

router = APIRouter(prefix="/restapi/v1.0/account/{accountId}/extension/{extensionId}")
NEW_CALL_HANDLING = "NewCallHandlingAndForwarding"


@router.get("/features")
async def read_features(request: Request, accountId: str, extensionId: str) -> dict[str, Any]:
    """The one feature we model; its ``isNewBackendAvailable`` says the generation."""
    who = await principal(request)
    query_flag(request, "availableOnly")
    wanted = request.query_params.getlist("featureId")
    generation = await extension_generation(database(request), who, accountId, extensionId)
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
