"""The history page: an extension's changes with before/after, and reverting one."""

from __future__ import annotations

from typing import Any, Unpack

from fastapi import APIRouter, Request
from starlette.responses import Response

from ringforward.domain.errors import DomainError, invalid
from ringforward.portal.call_handling import extension_url
from ringforward.portal.forms import first
from ringforward.portal.history_view import history_item
from ringforward.portal.responses import is_htmx, problem_of, redirect
from ringforward.portal.session import Change, Db, database
from ringforward.portal.settings_page import Outcome, settings_page, shown_at
from ringforward.service.extension_trail import RESOURCE_TYPES, extension_trail, revert_entry
from ringforward.service.history import parse_version
from ringforward.service.portal_login import PortalSession

router = APIRouter(prefix="/portal/extensions/{extension_id}/history")


@shown_at(router, "")
async def _history_page(
    request: Request, session: PortalSession, extension_id: str, **outcome: Unpack[Outcome]
) -> Response:
    async def load() -> dict[str, Any]:
        trail = await extension_trail(session.on(database(request), extension_id))
        return {
            "extension": trail.target.extension,
            "base": extension_url(trail.target.extension.id),
            "items": [history_item(entry, trail.phone_numbers) for entry in trail.entries],
        }

    return await settings_page(request, session, "history.html", load, **outcome)


@router.post("/revert")
async def revert(request: Request, extension_id: str, change: Change, db: Db) -> Response:
    session, values = change.session, change.values
    resource, resource_id = first(values, "resource"), first(values, "id")
    key = f"{resource}-{resource_id}-{first(values, 'version')}"
    try:
        if resource not in RESOURCE_TYPES:
            raise invalid("resource", f"must be one of {', '.join(RESOURCE_TYPES)}")
        version = parse_version(first(values, "version"))
        await revert_entry(
            session.on(db, extension_id),
            resource_type=resource,
            resource_id=resource_id,
            version=version,
        )
    except DomainError as error:
        return await _history_page(
            request, session, extension_id, problem=problem_of(error, f"revert-{key}")
        )
    notice = f"Reverted change {version} of {first(values, 'what') or resource}."
    if is_htmx(request):
        return await _history_page(request, session, extension_id, notice=notice)
    return redirect(request, f"{extension_url(extension_id)}/history")
