"""An extension's business hours in the portal: the weekly form and saving it."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter, Request
from starlette.responses import Response

from ringforward.domain.errors import DomainError
from ringforward.portal import forms, views
from ringforward.portal.call_handling import extension_url
from ringforward.portal.custom_rules import common_context
from ringforward.portal.responses import Problem, error_page, is_htmx, page, problem_of, redirect
from ringforward.portal.session import Change, Db, Session, database
from ringforward.service import business_hours
from ringforward.service.access import CURRENT
from ringforward.service.portal_login import PortalSession

router = APIRouter(prefix="/portal/extensions/{extension_id}")


async def _hours_page(
    request: Request,
    session: PortalSession,
    extension_id: str,
    *,
    values: Mapping[str, str] | None = None,
    problem: Problem | None = None,
    notice: str | None = None,
) -> Response:
    try:
        shown = await business_hours.get_business_hours(
            database(request), session.principal, CURRENT, extension_id
        )
    except DomainError as error:
        return error_page(request, session, error)
    context = {
        **common_context(extension_id),
        "extension": shown.target.extension,
        "values": dict(values if values is not None else forms.business_hours_values(shown.hours)),
        "summary": views.describe_weekly(shown.hours.weekly_ranges) or "Open 24/7",
        "problem": problem,
        "notice": notice,
        "active_page": "hours",
    }
    status = problem.status if problem else 200
    return page(request, "business_hours.html", context, session=session, status=status)


@router.get("/business-hours")
async def hours_form(request: Request, extension_id: str, session: Session) -> Response:
    return await _hours_page(request, session, extension_id)


@router.post("/business-hours")
async def save_hours(request: Request, extension_id: str, change: Change, db: Db) -> Response:
    session, values = change.session, change.values
    try:
        await business_hours.update_business_hours(
            db,
            session.principal,
            CURRENT,
            extension_id,
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
