"""Shared pieces of the v2 comm-handling routes: their router, paging, ETags, path enums."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from ringforward.api.deps import extensions_enabled
from ringforward.api.paging import page_request
from ringforward.api.paths import V2
from ringforward.api.routes.generation_guard import enhanced_only
from ringforward.domain.errors import not_found
from ringforward.service.comm_common import etag_of
from ringforward.store.comm_handling import StoredItem

T = TypeVar("T")
READABLE_STATES = ("after-hours", "work-hours", "dnd", "forward-all-calls", "agent")
UPDATABLE_STATES = ("work-hours", "forward-all-calls", "agent", "dnd")


def v2_router() -> APIRouter:
    """A router of v2 comm-handling paths; each answers only on an enhanced account."""
    return APIRouter(prefix=V2, dependencies=[Depends(enhanced_only)])


def v2_page(request: Request, items: Sequence[T]) -> tuple[list[T], dict[str, Any]]:
    """The page asked for and RingCentral's EnumeratedPagingModel for it."""
    page = page_request(request)
    start = (page.page - 1) * page.per_page
    chunk = list(items[start : start + page.per_page])
    paging: dict[str, Any] = {
        "page": page.page,
        "perPage": page.per_page,
        "totalPages": max(1, -(-len(items) // page.per_page)),
        "totalElements": len(items),
    }
    if chunk:
        paging["pageStart"] = start
        paging["pageEnd"] = start + len(chunk) - 1
    return chunk, paging


def checked_state(state_id: str, allowed: tuple[str, ...]) -> str:
    # A state the path enum does not list is a resource that does not exist.
    if state_id not in allowed:
        raise not_found("stateId")
    return state_id


def readable_state(stateId: str) -> str:
    return checked_state(stateId, READABLE_STATES)


def updatable_state(stateId: str) -> str:
    return checked_state(stateId, UPDATABLE_STATES)


# The ``{stateId}`` of a path, among the states it may name (else a 404).
ReadableState = Annotated[str, Depends(readable_state)]
UpdatableState = Annotated[str, Depends(updatable_state)]


def item_response(
    request: Request, body: dict[str, Any], item: StoredItem, status: int = 200
) -> JSONResponse:
    headers = {"ETag": etag_of(item)} if extensions_enabled(request) else {}
    return JSONResponse(body, status_code=status, headers=headers)


def if_match(request: Request) -> str | None:
    return request.headers.get("if-match") if extensions_enabled(request) else None
