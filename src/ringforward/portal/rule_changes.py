"""Changes to a rule from the call-handling page: the forwarding list, its action, on/off."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from ringforward.domain import ringgroups
from ringforward.domain.errors import invalid
from ringforward.portal.call_handling import BodyMaker, change_rule
from ringforward.portal.forms import FormValues, action_body, checked, first
from ringforward.portal.session import Change
from ringforward.service.answering_rules import RuleView
from ringforward.wire.forwarding import forwarding_rules_json

router = APIRouter(prefix="/portal/extensions/{extension_id}/rules/{rule_id}")
# A forwarding-list operation with the group (and value) the form names.
GroupEdit = Callable[[ringgroups.Groups, FormValues], ringgroups.Groups]


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


def _edit(edit: GroupEdit) -> BodyMaker:
    return lambda view, values: _list_body(edit(view.rule.forwarding.groups, values))


def _group_and(
    operation: Callable[[ringgroups.Groups, int, int], ringgroups.Groups], key: str
) -> GroupEdit:
    """``operation`` on the posted group with the posted number ``key``."""
    return lambda groups, values: operation(groups, _number(values, "group"), _number(values, key))


def _ringing_mode(view: RuleView, values: FormValues) -> Mapping[str, Any]:
    settings = ringgroups.set_ringing_mode(view.rule.forwarding, first(values, "ringingMode"))
    return {"forwarding": {"ringingMode": settings.ringing_mode}}


def _rule_change(
    path: str,
    *,
    where: str | Callable[[FormValues], str],
    notice: str | Callable[[FormValues], str],
    make_body: BodyMaker,
) -> None:
    """Serve ``POST …/rules/{rule_id}<path>``: one change to the rule, as ``make_body``
    derives it from the rule and the posted form."""

    async def endpoint(
        request: Request, extension_id: str, rule_id: str, change: Change
    ) -> Response:
        return await change_rule(
            request,
            change,
            extension_id,
            rule_id,
            where=where,
            notice=notice,
            make_body=make_body,
        )

    router.post(path)(endpoint)


_rule_change("/ringing-mode", where="mode", notice="Ringing mode saved.", make_body=_ringing_mode)
_rule_change(
    "/groups/create",
    where="create-group",
    notice="Ring group created.",
    make_body=_edit(
        lambda groups, values: ringgroups.create_group(groups, list(values.get("numberId") or ()))
    ),
)
_rule_change(
    "/groups/ungroup",
    where=_group_place,
    notice="Ring group split into single numbers.",
    make_body=_edit(lambda groups, values: ringgroups.ungroup(groups, _number(values, "group"))),
)
_rule_change(
    "/groups/move",
    where=_group_place,
    notice="Forwarding order saved.",
    make_body=_edit(_group_and(ringgroups.move_group, "to")),
)
_rule_change(
    "/groups/ring-count",
    where=_group_place,
    notice="Ring count saved.",
    make_body=_edit(_group_and(ringgroups.set_ring_count, "ringCount")),
)
_rule_change(
    "/action",
    where="action",
    notice="Call handling action saved.",
    make_body=lambda _view, values: action_body(values),
)
_rule_change(
    "/enabled",
    where="enabled",
    notice=lambda values: "Rule on." if checked(values, "enabled") else "Rule off.",
    make_body=lambda _view, values: {"enabled": checked(values, "enabled")},
)


@router.post("/numbers/{number_id}/active")
async def number_active(
    request: Request, extension_id: str, rule_id: str, number_id: str, change: Change
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
        change,
        extension_id,
        rule_id,
        where=f"number-{number_id}",
        notice="Forwarding list saved.",
        make_body=body,
    )
