"""An extension's business hours in the portal: the weekly form and saving it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Unpack

from fastapi import APIRouter, Request
from starlette.responses import Response

from ringforward.domain.errors import DomainError
from ringforward.portal import forms, views
from ringforward.portal.call_handling import extension_url
from ringforward.portal.custom_rules import common_context
from ringforward.portal.responses import is_htmx, problem_of, redirect
from ringforward.portal.session import Change, Db, database
from ringforward.portal.settings_page import Outcome, settings_page, shown_at
from ringforward.service import business_hours
from ringforward.service.portal_login import PortalSession

router = APIRouter(prefix="/portal/extensions/{extension_id}")


@shown_at(router, "/business-hours")
async def _hours_page(
    request: Request,
    session: PortalSession,
    extension_id: str,
    *,
    values: Mapping[str, str] | None = None,
    **outcome: Unpack[Outcome],
) -> Response:
    async def load() -> dict[str, Any]:
        shown = await business_hours.get_business_hours(session.on(database(request), extension_id))
        hours = shown.hours
        return {
            **common_context(extension_id),
            "extension": shown.target.extension,
            "values": dict(values if values is not None else forms.business_hours_values(hours)),
            "summary": views.describe_weekly(hours.weekly_ranges) or "Open 24/7",
        }

    return await settings_page(request, session, "business_hours.html", load, **outcome)


@router.post("/business-hours")
async def save_hours(request: Request, extension_id: str, change: Change, db: Db) -> Response:
    session, values = change.session, change.values
    try:
        await business_hours.update_business_hours(
            session.on(db, extension_id),
            forms.business_hours_body(values),
        )
    except DomainError as error:
        problem = problem_of(error, forms.hours_field_of(error.parameter_name))
        return await _hours_page(
            request, session, extension_id, values=forms.flat(values), problem=problem
        )
    if not is_htmx(request):
        return redirect(request, f"{extension_url(extension_id)}/business-hours")
    return await _hours_page(request, session, extension_id, notice="Business hours saved.")
