"""Route dependencies: each call-handling API answers only on its generation's accounts."""

from __future__ import annotations

from fastapi import Request

from ringforward.api.deps import database, principal
from ringforward.domain.comm_handling.model import ENHANCED, LEGACY
from ringforward.service.comm_generation import require_generation


async def _require(request: Request, wanted: str) -> None:
    # The token is checked first (401 before anything else), then the generation, then
    # the body: a client of the wrong generation learns that whatever it sends.
    who = await principal(request)
    account_ref = request.path_params.get("accountId", "~")
    await require_generation(database(request), who, account_ref, wanted)


async def legacy_only(request: Request) -> None:
    await _require(request, LEGACY)


async def enhanced_only(request: Request) -> None:
    await _require(request, ENHANCED)
