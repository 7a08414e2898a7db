"""Custom rules in the portal: list, create, edit, switch on or off, delete."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Unpack
from urllib.parse import quote

from fastapi import APIRouter, Request
from starlette.responses import Response

from ringforward.domain.errors import DomainError
from ringforward.domain.model import USER_CALL_HANDLING_ACTIONS, WEEKDAYS
from ringforward.portal import forms, views
from ringforward.portal.call_handling import call_handling_url, extension_url
from ringforward.portal.responses import Problem, error_page, is_htmx, page, problem_of, redirect
from ringforward.portal.session import Change, Db, PostedChange, Session, database
from ringforward.portal.settings_page import Outcome, settings_page, shown_at
from ringforward.service import accounts, answering_rules
from ringforward.service.access import CURRENT
from ringforward.service.answering_rules import RuleFilter
from ringforward.service.portal_login import PortalSession

router = APIRouter(prefix="/portal/extensions/{extension_id}")


def common_context(extension_id: str) -> dict[str, Any]:
    """What every page of an extension's settings needs for its navigation and forms."""
    return {
        "base": extension_url(extension_id),
        "weekdays": WEEKDAYS,
        "range_slots": forms.range_slots,
        "slot_field": forms.slot_field,
    }


@shown_at(router, "/custom-rules")
async def _rules_page(
    request: Request, session: PortalSession, extension_id: str, **outcome: Unpack[Outcome]
) -> Response:
    async def load() -> dict[str, Any]:
        listed = await answering_rules.list_rules(
            session.on(database(request), extension_id),
            RuleFilter(types=("Custom",)),
        )
        extensions = await accounts.list_extensions(database(request), session.principal, CURRENT)
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
        return {
            **common_context(extension_id),
            "extension": listed.target.extension,
            "items": items,
        }

    return await settings_page(request, session, "rules.html", load, **outcome)


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
        target = await accounts.get_extension(session.on(db, extension_id))
        extensions = (await accounts.list_extensions(db, session.principal, CURRENT)).extensions
        if values is None and rule_id is not None:
            view = await answering_rules.get_rule(session.on(db, extension_id), rule_id)
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
        **common_context(extension_id),
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
    }
    status = problem.status if problem else 200
    return page(request, "rule_form.html", context, session=session, status=status)


@router.get("/custom-rules/new")
async def new_rule_form(request: Request, extension_id: str, session: Session) -> Response:
    return await _rule_form(request, session, extension_id, rule_id=None, values=None)


@router.get("/custom-rules/{rule_id}/edit")
async def edit_rule_form(
    request: Request, extension_id: str, rule_id: str, session: Session
) -> Response:
    return await _rule_form(request, session, extension_id, rule_id=rule_id, values=None)


async def _save_rule(
    request: Request, change: PostedChange, extension_id: str, rule_id: str | None
) -> Response:
    session, values = change.session, change.values
    body = forms.custom_rule_body(values)
    db = database(request)
    try:
        if rule_id is None:
            view = await answering_rules.create_custom_rule(session.on(db, extension_id), body)
        else:
            view = await answering_rules.update_rule(session.on(db, extension_id), rule_id, body)
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
async def create_rule(request: Request, extension_id: str, change: Change) -> Response:
    return await _save_rule(request, change, extension_id, None)


@router.post("/custom-rules/{rule_id}/edit")
async def edit_rule(request: Request, extension_id: str, rule_id: str, change: Change) -> Response:
    return await _save_rule(request, change, extension_id, rule_id)


async def _listed_change(
    request: Request,
    change: PostedChange,
    extension_id: str,
    rule_id: str,
    use_case: Callable[[], Awaitable[str]],
) -> Response:
    """Run a change made from the list of rules; show the list again with its outcome."""
    try:
        notice = await use_case()
    except DomainError as error:
        problem = problem_of(error, f"rule-{rule_id}")
        return await _rules_page(request, change.session, extension_id, problem=problem)
    if not is_htmx(request):
        return redirect(request, f"{extension_url(extension_id)}/custom-rules")
    return await _rules_page(request, change.session, extension_id, notice=notice)


@router.post("/custom-rules/{rule_id}/enabled")
async def toggle_rule(
    request: Request, extension_id: str, rule_id: str, change: Change, db: Db
) -> Response:
    enabled = forms.checked(change.values, "enabled")

    async def toggle() -> str:
        body = {"enabled": enabled}
        view = await answering_rules.update_rule(change.session.on(db, extension_id), rule_id, body)
        return f"{view.rule.name} is {'on' if enabled else 'off'}."

    return await _listed_change(request, change, extension_id, rule_id, toggle)


@router.post("/custom-rules/{rule_id}/delete")
async def delete_rule(
    request: Request, extension_id: str, rule_id: str, change: Change, db: Db
) -> Response:
    async def delete() -> str:
        await answering_rules.delete_rule(change.session.on(db, extension_id), rule_id)
        return f"{forms.first(change.values, 'name') or 'The rule'} deleted."

    return await _listed_change(request, change, extension_id, rule_id, delete)
