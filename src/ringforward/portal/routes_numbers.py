"""Forwarding numbers from the portal: add, edit label, delete."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from ringforward.domain.errors import DomainError
from ringforward.portal.forms import first, flat
from ringforward.portal.pages import after_change, begin_change, render_call_handling, return_rule
from ringforward.portal.render import problem_of
from ringforward.portal.session import database
from ringforward.service import forwarding_numbers
from ringforward.service.access import CURRENT

router = APIRouter(prefix="/portal/extensions/{extension_id}/forwarding-numbers")


@router.post("")
async def add_number(request: Request, extension_id: str) -> Response:
    begun = await begin_change(request)
    if isinstance(begun, Response):
        return begun
    session, values = begun
    rule_id = return_rule(values)
    body = {
        "phoneNumber": first(values, "phoneNumber"),
        "label": first(values, "label"),
        "type": first(values, "type") or "Other",
    }
    try:
        created = await forwarding_numbers.create_forwarding_number(
            database(request), session.principal, CURRENT, extension_id, body
        )
    except DomainError as error:
        return await render_call_handling(
            request,
            session,
            extension_id,
            rule_id,
            problem=problem_of(error, "add-number"),
            values=flat(values),
        )
    notice = f"Added {created.number.phone_number}. Switch it on in a rule to make it ring."
    return await after_change(request, session, extension_id, rule_id, notice)


@router.post("/{number_id}/label")
async def edit_label(request: Request, extension_id: str, number_id: str) -> Response:
    begun = await begin_change(request)
    if isinstance(begun, Response):
        return begun
    session, values = begun
    rule_id = return_rule(values)
    try:
        updated = await forwarding_numbers.update_forwarding_number_use_case(
            database(request),
            session.principal,
            CURRENT,
            extension_id,
            number_id,
            {"label": first(values, "label")},
        )
    except DomainError as error:
        return await render_call_handling(
            request, session, extension_id, rule_id, problem=problem_of(error, f"label-{number_id}")
        )
    notice = f"Label of {updated.number.phone_number} saved."
    return await after_change(request, session, extension_id, rule_id, notice)


@router.post("/{number_id}/delete")
async def delete_number(request: Request, extension_id: str, number_id: str) -> Response:
    begun = await begin_change(request)
    if isinstance(begun, Response):
        return begun
    session, values = begun
    rule_id = return_rule(values)
    try:
        await forwarding_numbers.delete_forwarding_numbers(
            database(request), session.principal, CURRENT, extension_id, [number_id]
        )
    except DomainError as error:
        return await render_call_handling(
            request,
            session,
            extension_id,
            rule_id,
            problem=problem_of(error, f"delete-{number_id}"),
        )
    label = first(values, "phone") or "The forwarding number"
    notice = f"{label} deleted and taken out of every rule."
    return await after_change(request, session, extension_id, rule_id, notice)
