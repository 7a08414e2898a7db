"""Changes to a rule from the call-handling page: the forwarding list, its action, on/off."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from ringforward.domain import ringgroups
from ringforward.domain.errors import invalid
from ringforward.portal.forms import FormValues, action_body, checked, first
from ringforward.portal.pages import change_rule
from ringforward.service.answering_rules import RuleView
from ringforward.wire.forwarding import forwarding_rules_json

router = APIRouter(prefix="/portal/extensions/{extension_id}/rules/{rule_id}")


def _number(values: FormValues, key: str) -> int:
    raw = first(values, key)
    try:
        return int(raw)
    except ValueError as error:
        raise invalid(key, "must be a whole number") from error


def _list_body(groups: ringgroups.Groups) -> Mapping[str, Any]:
    return {"forwarding": {"rules": forwarding_rules_json(groups)}}


def _group_place(values: FormValues) -> str:
    return f"group-{first(values, 'group')}"


@router.post("/ringing-mode")
async def ringing_mode(request: Request, extension_id: str, rule_id: str) -> Response:
    def body(view: RuleView, values: FormValues) -> Mapping[str, Any]:
        settings = ringgroups.set_ringing_mode(view.rule.forwarding, first(values, "ringingMode"))
        return {"forwarding": {"ringingMode": settings.ringing_mode}}

    return await change_rule(
        request, extension_id, rule_id, where="mode", notice="Ringing mode saved.", make_body=body
    )


@router.post("/groups/create")
async def create_group(request: Request, extension_id: str, rule_id: str) -> Response:
    def body(view: RuleView, values: FormValues) -> Mapping[str, Any]:
        ids = list(values.get("numberId") or ())
        return _list_body(ringgroups.create_group(view.rule.forwarding.groups, ids))

    return await change_rule(
        request,
        extension_id,
        rule_id,
        where="create-group",
        notice="Ring group created.",
        make_body=body,
    )


@router.post("/groups/ungroup")
async def ungroup(request: Request, extension_id: str, rule_id: str) -> Response:
    def body(view: RuleView, values: FormValues) -> Mapping[str, Any]:
        return _list_body(ringgroups.ungroup(view.rule.forwarding.groups, _number(values, "group")))

    return await change_rule(
        request,
        extension_id,
        rule_id,
        where=_group_place,
        notice="Ring group split into single numbers.",
        make_body=body,
    )


@router.post("/groups/move")
async def move_group(request: Request, extension_id: str, rule_id: str) -> Response:
    def body(view: RuleView, values: FormValues) -> Mapping[str, Any]:
        groups = ringgroups.move_group(
            view.rule.forwarding.groups, _number(values, "group"), _number(values, "to")
        )
        return _list_body(groups)

    return await change_rule(
        request,
        extension_id,
        rule_id,
        where=_group_place,
        notice="Forwarding order saved.",
        make_body=body,
    )


@router.post("/groups/ring-count")
async def ring_count(request: Request, extension_id: str, rule_id: str) -> Response:
    def body(view: RuleView, values: FormValues) -> Mapping[str, Any]:
        groups = ringgroups.set_ring_count(
            view.rule.forwarding.groups, _number(values, "group"), _number(values, "ringCount")
        )
        return _list_body(groups)

    return await change_rule(
        request,
        extension_id,
        rule_id,
        where=_group_place,
        notice="Ring count saved.",
        make_body=body,
    )


@router.post("/numbers/{number_id}/active")
async def number_active(
    request: Request, extension_id: str, rule_id: str, number_id: str
) -> Response:
    def body(view: RuleView, values: FormValues) -> Mapping[str, Any]:
        groups = view.rule.forwarding.groups
        if checked(values, "active"):
            if ringgroups.find_group_of(groups, number_id) is not None:
                return {}
            # Known-number check first: the pure operation accepts any id it is given.
            if number_id not in {number.id for number in view.numbers}:
                raise invalid("forwardingNumberId", "not a forwarding number of this extension")
            return _list_body(ringgroups.add_number(groups, number_id, new_group=True))
        if ringgroups.find_group_of(groups, number_id) is None:
            return {}
        return _list_body(ringgroups.remove_number(groups, number_id))

    return await change_rule(
        request,
        extension_id,
        rule_id,
        where=f"number-{number_id}",
        notice="Forwarding list saved.",
        make_body=body,
    )


@router.post("/action")
async def rule_action(request: Request, extension_id: str, rule_id: str) -> Response:
    return await change_rule(
        request,
        extension_id,
        rule_id,
        where="action",
        notice="Call handling action saved.",
        make_body=lambda _view, values: action_body(values),
    )


@router.post("/enabled")
async def rule_enabled(request: Request, extension_id: str, rule_id: str) -> Response:
    return await change_rule(
        request,
        extension_id,
        rule_id,
        where="enabled",
        notice=lambda values: "Rule on." if checked(values, "enabled") else "Rule off.",
        make_body=lambda _view, values: {"enabled": checked(values, "enabled")},
    )
