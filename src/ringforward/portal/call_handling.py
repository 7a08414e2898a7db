"""The call-handling page: loading what it shows, and the steps every change shares."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from fastapi import Request
from starlette.responses import Response

from ringforward.domain.errors import DomainError, PreconditionFailedError, not_found
from ringforward.domain.model import (
    BUSINESS_HOURS_RULE_ID,
    USER_CALL_HANDLING_ACTIONS,
    AnsweringRule,
    Extension,
    ForwardingNumber,
)
from ringforward.portal import views
from ringforward.portal.forms import FormValues, first, flat
from ringforward.portal.responses import (
    PORTAL,
    Problem,
    error_page,
    is_htmx,
    page,
    problem_of,
    redirect,
)
from ringforward.portal.session import PostedChange, database
from ringforward.portal.who_rings import who_rings_context
from ringforward.service import accounts, answering_rules
from ringforward.service.access import CURRENT, Principal, Target
from ringforward.service.answering_rules import RuleView
from ringforward.service.portal_login import PortalSession
from ringforward.service.scope import ExtensionCall


@dataclass(frozen=True)
class CallHandling:
    """Everything the call-handling page of one extension and rule shows."""

    target: Target
    rules: tuple[AnsweringRule, ...]
    rule: AnsweringRule
    numbers: tuple[ForwardingNumber, ...]
    extensions: tuple[Extension, ...]


def extension_url(extension_id: str) -> str:
    return f"{PORTAL}/extensions/{quote(extension_id, safe='')}"


def call_handling_url(extension_id: str, rule_id: str) -> str:
    return f"{extension_url(extension_id)}/call-handling?rule={quote(rule_id, safe='')}"


async def load_call_handling(
    request: Request, principal: Principal, extension_id: str, rule_id: str
) -> CallHandling:
    db = database(request)
    listed = await answering_rules.list_rules(ExtensionCall(db, principal, CURRENT, extension_id))
    rule = next((r for r in listed.rules if r.id == rule_id), None)
    if rule is None:
        raise not_found("ruleId")
    extensions = (await accounts.list_extensions(db, principal, CURRENT)).extensions
    return CallHandling(listed.target, tuple(listed.rules), rule, listed.numbers, tuple(extensions))


async def render_call_handling(
    request: Request,
    session: PortalSession,
    extension_id: str,
    rule_id: str,
    *,
    problem: Problem | None = None,
    notice: str | None = None,
    values: Mapping[str, str] | None = None,
) -> Response:
    try:
        data = await load_call_handling(request, session.principal, extension_id, rule_id)
    except DomainError as error:
        return error_page(request, session, error)
    extension = data.target.extension
    names = {e.id: f"{e.name} (Ext. {e.extension_number})" for e in data.extensions}
    base = extension_url(extension.id)
    context: dict[str, Any] = {
        "data": data,
        "extension": extension,
        "rule": data.rule,
        "tabs": views.rule_tabs(data.rules, data.rule.id),
        "forwarding": views.forwarding_list_view(data.rule, data.numbers),
        "numbers": [views.number_row(n, active=False) for n in data.numbers],
        "ring_choices": views.ring_count_choices(),
        "action_names": views.ACTION_NAMES,
        "actions": USER_CALL_HANDLING_ACTIONS,
        "action_summary": views.describe_action(data.rule, names),
        "conditions": views.describe_conditions(data.rule),
        "transfer_targets": [(e.id, names[e.id]) for e in data.extensions if e.id != extension.id],
        "number_types": views.NEW_NUMBER_TYPES,
        "base": base,
        "rule_base": f"{base}/rules/{quote(data.rule.id, safe='')}",
        "here": call_handling_url(extension.id, data.rule.id),
        "values": dict(values or {}),
        "problem": problem,
        "notice": notice,
    }
    context |= await who_rings_context(
        request,
        session.principal,
        extension.id,
        at=request.query_params.get("at", ""),
        caller=request.query_params.get("caller", ""),
    )
    # A refused ``at`` or ``caller`` in the address is shown beside the picker, and the
    # page says so with its status, like the panel's own route.
    status = problem.status if problem else 400 if context["who_problem"] else 200
    return page(request, "call_handling.html", context, session=session, status=status)


async def after_change(
    request: Request, session: PortalSession, extension_id: str, rule_id: str, notice: str
) -> Response:
    """htmx gets the new page to swap in (with a notice read out by screen readers); a
    plain form post is redirected, so that reloading does not post again."""
    if is_htmx(request):
        return await render_call_handling(request, session, extension_id, rule_id, notice=notice)
    return redirect(request, call_handling_url(extension_id, rule_id))


async def apply_change(
    request: Request,
    change: PostedChange,
    extension_id: str,
    *,
    where: str,
    use_case: Callable[[], Awaitable[str]],
    keep_values: bool = False,
) -> Response:
    """Run ``use_case`` (it answers the notice to show) and show the call-handling page
    after it, or with the refusal beside the control named by ``where``."""
    rule_id = return_rule(change.values)
    try:
        notice = await use_case()
    except DomainError as error:
        return await render_call_handling(
            request,
            change.session,
            extension_id,
            rule_id,
            problem=problem_of(error, where),
            values=flat(change.values) if keep_values else None,
        )
    return await after_change(request, change.session, extension_id, rule_id, notice)


def return_rule(values: FormValues) -> str:
    """The tab a form came from, to show again after the change."""
    return first(values, "rule") or BUSINESS_HOURS_RULE_ID


def check_version(view: RuleView, values: FormValues) -> None:
    """Refuse a change made from a page showing an older version of the rule: its group
    numbers and order may no longer mean what the user saw."""
    seen = first(values, "version")
    if seen and seen != str(view.rule.version):
        raise PreconditionFailedError(
            "This rule was changed elsewhere since the page was loaded. "
            "The page now shows the current state; please try again.",
            parameter_name="version",
        )


BodyMaker = Callable[[RuleView, FormValues], Mapping[str, Any]]


async def change_rule(
    request: Request,
    change: PostedChange,
    extension_id: str,
    rule_id: str,
    *,
    where: str | Callable[[FormValues], str],
    notice: str | Callable[[FormValues], str],
    make_body: BodyMaker,
) -> Response:
    """Apply a change to one rule through the same use case as the API's PUT (validation,
    permissions, version bump and audit included) and show the result or the refusal
    beside the control named by ``where``."""
    session, values = change.session, change.values

    def body(view: RuleView) -> Mapping[str, Any]:
        check_version(view, values)
        return make_body(view, values)

    try:
        await answering_rules.update_rule_with(
            session.on(database(request), extension_id),
            rule_id,
            body,
        )
    except DomainError as error:
        place = where(values) if callable(where) else where
        problem = problem_of(error, "rule" if error.parameter_name == "version" else place)
        return await render_call_handling(request, session, extension_id, rule_id, problem=problem)
    message = notice(values) if callable(notice) else notice
    return await after_change(request, session, extension_id, rule_id, message)
