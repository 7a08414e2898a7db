"""The call-handling page of an enhanced extension: its states, their ring groups, and
the duration of each group, with the same "Who rings" panel as the v1 page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from starlette.responses import Response

from ringforward.domain.comm_handling.dispatching import target_key
from ringforward.domain.comm_handling.model import ENHANCED, STATE_NAMES
from ringforward.domain.comm_handling.ring_groups import (
    add_phone,
    merge_groups,
    move_group,
    without_target,
)
from ringforward.domain.errors import DomainError, invalid
from ringforward.portal.call_handling import extension_url
from ringforward.portal.forms import FormValues, first
from ringforward.portal.responses import PORTAL, Problem, error_page, page, problem_of, redirect
from ringforward.portal.session import Change, Db
from ringforward.portal.who_rings import who_rings_context
from ringforward.service import comm_interaction, comm_states
from ringforward.service.access import CURRENT, Principal
from ringforward.service.comm_generation import extension_generation
from ringforward.service.portal_login import PortalSession
from ringforward.service.scope import ExtensionCall
from ringforward.store.database import Database

router = APIRouter(prefix="/portal/extensions/{extension_id}/states/{state_id}")


@dataclass(frozen=True)
class TargetView:
    label: str
    # What the remove form names the target by (``target_key``).
    key: str


@dataclass(frozen=True)
class GroupView:
    number: int
    position: int
    enabled: bool
    duration: int
    offset: int
    targets: tuple[TargetView, ...]


def _target_label(target: dict[str, Any]) -> str:
    if "destination" in target:
        phone = str(target["destination"]["phoneNumber"])
        return f"{phone} ({target['name']})" if target.get("name") else phone
    if "extension" in target:
        return f"Extension {target['extension']['id']}"
    return str(target.get("name") or target["type"])


def _ending(dispatching: dict[str, Any]) -> str:
    for action in dispatching["actions"]:
        if action["type"] == "TerminatingAction":
            target = action["targets"][0]
            where = target.get("destination", {}).get("phoneNumber") or target.get(
                "extension", {}
            ).get("id")
            return f"then {target['name']}" + (f" {where}" if where else "")
    return "then the call ends"


def group_views(dispatching: dict[str, Any]) -> list[GroupView]:
    views = []
    number = 0
    for position, action in enumerate(dispatching["actions"]):
        if action["type"] != "RingGroupAction":
            continue
        number += 1
        views.append(
            GroupView(
                number,
                position,
                bool(action["enabled"]),
                int(action["duration"]),
                int(action.get("customStartOffset", 0)),
                tuple(TargetView(_target_label(t), target_key(t)) for t in action["targets"]),
            )
        )
    return views


async def is_enhanced(db: Database, principal: Principal, extension_id: str) -> bool:
    try:
        generation = await extension_generation(ExtensionCall(db, principal, CURRENT, extension_id))
    except DomainError:
        return False
    return generation == ENHANCED


def state_url(extension_id: str, state_id: str) -> str:
    return f"{extension_url(extension_id)}/call-handling?rule={quote(state_id, safe='')}"


async def render_enhanced(
    request: Request,
    db: Database,
    session: PortalSession,
    extension_id: str,
    state_id: str,
    *,
    problem: Problem | None = None,
) -> Response:
    try:
        ext = session.on(db, extension_id)
        pairs = await comm_states.list_state_rules(ext)
        rules = await comm_interaction.list_rules(ext)
    except DomainError as error:
        return error_page(request, session, error)
    state_ids = [rule.item_id for rule, _state in pairs]
    selected = state_id if state_id in state_ids else state_ids[0]
    rule, state = next((r, s) for r, s in pairs if r.item_id == selected)
    context: dict[str, Any] = {
        "extension_id": extension_id,
        "tabs": [
            {
                "id": r.item_id,
                "caption": STATE_NAMES[r.item_id],
                "enabled": s.document["enabled"],
                "selected": r.item_id == selected,
            }
            for r, s in pairs
        ],
        "state": state.document,
        "dispatching_type": rule.document["type"],
        "groups": group_views(rule.document),
        "ending": _ending(rule.document),
        "interaction_rules": [r.document for r in rules],
        "version": rule.version,
        "base": f"{PORTAL}/extensions/{quote(extension_id, safe='')}",
        "problem": problem,
    }
    context |= await who_rings_context(
        request,
        session.principal,
        extension_id,
        at=request.query_params.get("at", ""),
        caller=request.query_params.get("caller", ""),
    )
    status = problem.status if problem else 200
    return page(request, "enhanced.html", context, session=session, status=status)


Edit = Callable[[dict[str, Any], FormValues], dict[str, Any]]


async def _change(
    request: Request,
    db: Database,
    change: Change,
    extension_id: str,
    state_id: str,
    edit: Edit,
    *,
    shown_at: str = "groups",
) -> Response:
    """Apply ``edit`` to the state rule's dispatching through the API's use case (checks,
    permissions, version and audit included); a refusal is shown on the page at
    ``shown_at``."""
    session, values = change.session, change.values
    ext = session.on(db, extension_id)
    try:
        rule, _state = await comm_states.get_state_rule(ext, state_id)
        if first(values, "version") != str(rule.version):
            raise invalid("version", "the rule changed since the page was loaded; try again")
        body = {"dispatching": edit(rule.document, values)}
        await comm_states.patch_state_rule(ext, state_id, body)
    except DomainError as error:
        return await render_enhanced(
            request, db, session, extension_id, state_id, problem=problem_of(error, shown_at)
        )
    return redirect(request, state_url(extension_id, state_id))


def _numbers(values: FormValues, key: str) -> list[int]:
    try:
        return [int(raw) for raw in values.get(key) or ()]
    except ValueError as error:
        raise invalid(key, "must be a whole number") from error


def _one(values: FormValues, key: str) -> int:
    """The form's one number under ``key`` (0, which names no group, when missing)."""
    numbers = _numbers(values, key)
    return numbers[0] if numbers else 0


def _edit(path: str, *, shown_at: str = "groups") -> Callable[[Edit], Edit]:
    """``POST path`` applies the edit it decorates to the state rule (``_change``)."""

    def register(edit: Edit) -> Edit:
        async def apply(
            request: Request, db: Db, change: Change, extension_id: str, state_id: str
        ) -> Response:
            return await _change(
                request, db, change, extension_id, state_id, edit, shown_at=shown_at
            )

        router.post(path, name=edit.__name__)(apply)
        return edit

    return register


@_edit("/groups/create")
def create_group(dispatching: dict[str, Any], values: FormValues) -> dict[str, Any]:
    """Put the ticked ring groups together ("Create Ring Group")."""
    return merge_groups(dispatching, _numbers(values, "group"))


@_edit("/groups/move")
def move(dispatching: dict[str, Any], values: FormValues) -> dict[str, Any]:
    return move_group(dispatching, _one(values, "group"), _one(values, "to"))


@_edit("/groups/duration", shown_at="duration")
def set_duration(dispatching: dict[str, Any], values: FormValues) -> dict[str, Any]:
    """Set one RingGroupAction's duration; the rest of the dispatching is sent back as is."""
    try:
        position = int(first(values, "position") or "-1")
        duration = int(first(values, "duration") or "0")
    except ValueError as error:
        raise invalid("duration", "must be a whole number") from error
    actions = list(dispatching["actions"])
    if not 0 <= position < len(actions) or actions[position]["type"] != "RingGroupAction":
        raise invalid("position", "no such ring group")
    actions[position] = {**actions[position], "duration": duration}
    return {**dispatching, "actions": actions}


@_edit("/groups/add-number")
def add_number(dispatching: dict[str, Any], values: FormValues) -> dict[str, Any]:
    """Ring one more phone number in a ring group."""
    return add_phone(dispatching, _one(values, "group"), first(values, "phoneNumber") or "")


@_edit("/groups/remove-target")
def remove_target(dispatching: dict[str, Any], values: FormValues) -> dict[str, Any]:
    """Take one target out of a ring group; a group left empty goes."""
    number = _one(values, "group")
    without = without_target(dispatching, first(values, "target") or "", number=number)
    if without is None:
        raise invalid("target", f"ring group {number} does not ring it")
    return without
