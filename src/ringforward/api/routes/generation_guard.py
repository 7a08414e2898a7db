"""Route dependencies: each call-handling API answers only on its generation's accounts."""

from __future__ import annotations

from fastapi import Request

from ringforward.api.deps import Caller, Db
from ringforward.domain.comm_handling.model import ENHANCED, LEGACY
from ringforward.service.comm_generation import require_generation


# The token is checked first (``Caller``: 401 before anything else), then the generation,
# then the body: a client of the wrong generation learns that whatever it sends.
async def legacy_only(request: Request, caller: Caller, db: Db) -> None:
    await require_generation(db, caller, request.path_params.get("accountId", "~"), LEGACY)


async def enhanced_only(request: Request, caller: Caller, db: Db) -> None:
    await require_generation(db, caller, request.path_params.get("accountId", "~"), ENHANCED)
