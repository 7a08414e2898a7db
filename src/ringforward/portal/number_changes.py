"""Forwarding numbers from the portal: add, edit label, delete."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from ringforward.portal.call_handling import apply_change
from ringforward.portal.forms import first
from ringforward.portal.session import Change, Db
from ringforward.service import forwarding_numbers

router = APIRouter(prefix="/portal/extensions/{extension_id}/forwarding-numbers")


@router.post("")
async def add_number(request: Request, extension_id: str, change: Change, db: Db) -> Response:
    values = change.values
    body = {
        "phoneNumber": first(values, "phoneNumber"),
        "label": first(values, "label"),
        "type": first(values, "type") or "Other",
    }

    async def add() -> str:
        created = await forwarding_numbers.create_forwarding_number(
            change.session.on(db, extension_id), body
        )
        return f"Added {created.number.phone_number}. Switch it on in a rule to make it ring."

    return await apply_change(
        request, change, extension_id, where="add-number", use_case=add, keep_values=True
    )


@router.post("/{number_id}/label")
async def edit_label(
    request: Request, extension_id: str, number_id: str, change: Change, db: Db
) -> Response:
    async def relabel() -> str:
        body = {"label": first(change.values, "label")}
        updated = await forwarding_numbers.update_forwarding_number_use_case(
            change.session.on(db, extension_id), number_id, body
        )
        return f"Label of {updated.number.phone_number} saved."

    return await apply_change(
        request, change, extension_id, where=f"label-{number_id}", use_case=relabel
    )


@router.post("/{number_id}/delete")
async def delete_number(
    request: Request, extension_id: str, number_id: str, change: Change, db: Db
) -> Response:
    async def delete() -> str:
        await forwarding_numbers.delete_forwarding_numbers(
            change.session.on(db, extension_id), [number_id]
        )
        label = first(change.values, "phone") or "The forwarding number"
        return f"{label} deleted and taken out of every rule."

    return await apply_change(
        request, change, extension_id, where=f"delete-{number_id}", use_case=delete
    )
