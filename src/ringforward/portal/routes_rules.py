"""Custom rules (list, create, edit, on/off, delete) and business hours in the portal."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from starlette.responses import Response

from ringforward.domain.errors import DomainError
from ringforward.domain.model import USER_CALL_HANDLING_ACTIONS, WEEKDAYS
from ringforward.portal import forms, views
from ringforward.portal.pages import begin_change, call_handling_url, extension_url
from ringforward.portal.render import (
    Problem,
    error_page,
    is_htmx,
    page,
    problem_of,
    redirect,
    sign_in_redirect,
)
from ringforward.portal.session import current_session, database
from ringforward.service import accounts, answering_rules, business_hours
from ringforward.service.access import CURRENT
from ringforward.service.answering_rules import RuleFilter
from ringforward.service.portal_login import PortalSession

router = APIRouter(prefix="/portal/extensions/{extension_id}")


def _common(extension_id: str) -> dict[str, Any]:
    return {
        "base": extension_url(extension_id),
        "weekdays": WEEKDAYS,
        "range_slots": forms.range_slots,
        "slot_field": forms.slot_field,
    }


async def _rules_page(
    request: Request,
    session: PortalSession,
    extension_id: str,
    *,
    problem: Problem | None = None,
    notice: str | None = None,
) -> Response:
    try:
        listed = await answering_rules.list_rules(
            database(request),
            session.principal,
            CURRENT,
            extension_id,
            RuleFilter(types=("Custom",)),
        )
        extensions = await accounts.list_extensions(database(request), session.principal, CURRENT)
    except DomainError as error:
        return error_page(request, session, error)
    names = {e.id: f"{e.name} (Ext. {e.extension_number})" for e in extensions.extensions}
    items = [
        {
            "rule": rule,
            "conditions": views.describe_conditions(rule),
            "action": views.describe_action(rule, names),
            "url": call_handling_url(extension_id, rule.id),
        }
        for rule in listed.rules
    ]
    context = {
        **_common(extension_id),
        "extension": listed.target.extension,
        "items": items,
        "problem": problem,
        "notice": notice,
        "active_page": "rules",
    }
    return page(
        request, "rules.html", context, session=session, status=problem.status if problem else 200
    )


@router.get("/custom-rules")
async def custom_rules(request: Request, extension_id: str) -> Response:
    session = await current_session(request)
    if session is None:
        return sign_in_redirect(request)
    return await _rules_page(request, session, extension_id)


async def _rule_form(
    request: Request,
    session: PortalSession,
    extension_id: str,
    *,
    rule_id: str | None,
    values: Mapping[str, str] | None,
    problem: Problem | None = None,
) -> Response:
    """The create/edit form, filled from the stored rule or from what was just posted."""
    db = database(request)
    try:
        target = await accounts.get_extension(db, session.principal, CURRENT, extension_id)
        extensions = (await accounts.list_extensions(db, session.principal, CURRENT)).extensions
        if values is None and rule_id is not None:
            view = await answering_rules.get_rule(
                db, session.principal, CURRENT, extension_id, rule_id
            )
            values = forms.rule_values(view.rule)
    except DomainError as error:
        return error_page(request, session, error)
    base = extension_url(extension_id)
    action_url = (
        f"{base}/custom-rules/{quote(rule_id, safe='')}/edit"
        if rule_id
        else f"{base}/custom-rules/new"
    )
    context = {
        **_common(extension_id),
        "extension": target.extension,
        "rule_id": rule_id,
        "values": dict(values or {"enabled": "on", "callHandlingAction": "ForwardCalls"}),
        "problem": problem,
        "action_url": action_url,
        "actions": USER_CALL_HANDLING_ACTIONS,
        "action_names": views.ACTION_NAMES,
        "transfer_targets": [
            (e.id, f"{e.name} (Ext. {e.extension_number})")
            for e in extensions
            if e.id != target.extension.id
        ],
        "active_page": "rules",
    }
    status = problem.status if problem else 200
    return page(request, "rule_form.html", context, session=session, status=status)


@router.get("/custom-rules/new")
async def new_rule_form(request: Request, extension_id: str) -> Response:
    session = await current_session(request)
    if session is None:
        return sign_in_redirect(request)
    return await _rule_form(request, session, extension_id, rule_id=None, values=None)


@router.get("/custom-rules/{rule_id}/edit")
async def edit_rule_form(request: Request, extension_id: str, rule_id: str) -> Response:
    session = await current_session(request)
    if session is None:
        return sign_in_redirect(request)
    return await _rule_form(request, session, extension_id, rule_id=rule_id, values=None)


async def _save_rule(request: Request, extension_id: str, rule_id: str | None) -> Response:
    begun = await begin_change(request)
    if isinstance(begun, Response):
        return begun
    session, values = begun
    body = forms.custom_rule_body(values)
    db = database(request)
    try:
        if rule_id is None:
            view = await answering_rules.create_custom_rule(
                db, session.principal, CURRENT, extension_id, body
            )
        else:
            view = await answering_rules.update_rule(
                db, session.principal, CURRENT, extension_id, rule_id, body
            )
    except DomainError as error:
        problem = problem_of(error, forms.rule_field_of(error.parameter_name))
        return await _rule_form(
            request,
            session,
            extension_id,
            rule_id=rule_id,
            values=forms.flat(values),
            problem=problem,
        )
    return redirect(request, call_handling_url(extension_id, view.rule.id))


@router.post("/custom-rules/new")
async def create_rule(request: Request, extension_id: str) -> Response:
    return await _save_rule(request, extension_id, None)


@router.post("/custom-rules/{rule_id}/edit")
async def edit_rule(request: Request, extension_id: str, rule_id: str) -> Response:
    return await _save_rule(request, extension_id, rule_id)


@router.post("/custom-rules/{rule_id}/enabled")
async def toggle_rule(request: Request, extension_id: str, rule_id: str) -> Response:
    begun = await begin_change(request)
    if isinstance(begun, Response):
        return begun
    session, values = begun
    enabled = forms.checked(values, "enabled")
    try:
        view = await answering_rules.update_rule(
            database(request),
            session.principal,
            CURRENT,
            extension_id,
            rule_id,
            {"enabled": enabled},
        )
    except DomainError as error:
        problem = problem_of(error, f"rule-{rule_id}")
        return await _rules_page(request, session, extension_id, problem=problem)
    if not is_htmx(request):
        return redirect(request, f"{extension_url(extension_id)}/custom-rules")
    notice = f"{view.rule.name} is {'on' if enabled else 'off'}."
    return await _rules_page(request, session, extension_id, notice=notice)


@router.post("/custom-rules/{rule_id}/delete")
async def delete_rule(request: Request, extension_id: str, rule_id: str) -> Response:
    begun = await begin_change(request)
    if isinstance(begun, Response):
        return begun
    session, values = begun
    try:
        await answering_rules.delete_rule(
            database(request), session.principal, CURRENT, extension_id, rule_id
        )
    except DomainError as error:
        problem = problem_of(error, f"rule-{rule_id}")
        return await _rules_page(request, session, extension_id, problem=problem)
    if not is_htmx(request):
        return redirect(request, f"{extension_url(extension_id)}/custom-rules")
    name = forms.first(values, "name") or "The rule"
    return await _rules_page(request, session, extension_id, notice=f"{name} deleted.")


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
        **_common(extension_id),
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
async def hours_form(request: Request, extension_id: str) -> Response:
    session = await current_session(request)
    if session is None:
        return sign_in_redirect(request)
    return await _hours_page(request, session, extension_id)


@router.post("/business-hours")
async def save_hours(request: Request, extension_id: str) -> Response:
    begun = await begin_change(request)
    if isinstance(begun, Response):
        return begun
    session, values = begun
    try:
        await business_hours.update_business_hours(
            database(request),
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
