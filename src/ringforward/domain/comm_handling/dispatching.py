"""Checking and normalising a v2 ``dispatching`` object (already valid against the spec).

The spec's schema has already checked types and enums; here are the rules it cannot say:
supported target types, phone numbers, duration and offset ranges, one terminating action
at the end. The result is the stored (and returned) document, plus the coworkers and
devices it names, which only the service can check exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ringforward.domain.comm_handling.model import (
    APP_TARGET_NAMES,
    GREETING_ACTIONS,
    MAX_DURATION,
    MAX_START_OFFSET,
    MAX_TARGETS_PER_GROUP,
    MIN_DURATION,
    MIN_START_OFFSET,
    SUPPORTED_RING_TARGETS,
    SUPPORTED_TERMINATING_TARGETS,
    TERMINATING_TARGET_NAMES,
)
from ringforward.domain.errors import ErrorCollector, ValidationError, invalid
from ringforward.domain.phone import normalize_phone_number


@dataclass
class References:
    """Extensions and devices a document names, by parameter path, to be checked later."""

    extensions: dict[str, str] = field(default_factory=dict)
    devices: dict[str, str] = field(default_factory=dict)

    def merge(self, other: References) -> None:
        self.extensions.update(other.extensions)
        self.devices.update(other.devices)


@dataclass(frozen=True)
class NormalizedDispatching:
    document: dict[str, Any]
    references: References


def _phone(raw: Any, path: str, region: str) -> str:
    return normalize_phone_number(str(raw), region=region, parameter_name=path)


def _ranged(value: Any, path: str, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise invalid(path, f"must be a whole number of seconds from {low} to {high}")
    return value


def _ring_target(
    target: dict[str, Any], path: str, region: str, refs: References
) -> dict[str, Any]:
    kind = target["type"]
    if kind not in SUPPORTED_RING_TARGETS:
        raise invalid(
            f"{path}.type",
            f"{kind} is not supported; use one of " + ", ".join(SUPPORTED_RING_TARGETS),
        )
    if kind in APP_TARGET_NAMES:
        return {"type": kind, "name": APP_TARGET_NAMES[kind]}
    if kind == "PhoneNumberRingTarget":
        number = _phone(
            target["destination"]["phoneNumber"], f"{path}.destination.phoneNumber", region
        )
        out: dict[str, Any] = {"type": kind, "destination": {"phoneNumber": number}}
        if isinstance(target.get("name"), str):
            out["name"] = target["name"]
        return out
    if kind == "CoworkerRingTarget":
        extension_id = str(target["extension"]["id"])
        refs.extensions[f"{path}.extension.id"] = extension_id
        return {"type": kind, "extension": {"id": extension_id}}
    device_id = str(target["device"]["id"])
    refs.devices[f"{path}.device.id"] = device_id
    name = target.get("name") if isinstance(target.get("name"), str) else f"Device {device_id}"
    return {"type": kind, "name": name, "device": {"id": device_id}}


def _target_key(target: dict[str, Any]) -> str:
    """What makes two targets the same endpoint (for duplicate checks and removal)."""
    kind = str(target.get("type"))
    if "destination" in target:
        return f"{kind}:{target['destination'].get('phoneNumber')}"
    if "device" in target:
        return f"{kind}:{target['device'].get('id')}"
    if "extension" in target:
        return f"{kind}:{target['extension'].get('id')}"
    return kind


target_key = _target_key


def _ring_group(action: dict[str, Any], path: str, region: str, refs: References) -> dict[str, Any]:
    targets = [
        _ring_target(target, f"{path}.targets[{index}]", region, refs)
        for index, target in enumerate(action["targets"])
    ]
    if len(targets) > MAX_TARGETS_PER_GROUP:
        raise invalid(f"{path}.targets", f"a ring group holds at most {MAX_TARGETS_PER_GROUP}")
    keys = [_target_key(target) for target in targets]
    if len(set(keys)) != len(keys):
        raise invalid(f"{path}.targets", "the same target is listed twice")
    return {
        "type": "RingGroupAction",
        "enabled": bool(action["enabled"]),
        "duration": _ranged(action["duration"], f"{path}.duration", MIN_DURATION, MAX_DURATION),
        # Left out, the offset goes back to its default (0), as PATCH semantics require.
        "customStartOffset": _ranged(
            action.get("customStartOffset", 0),
            f"{path}.customStartOffset",
            MIN_START_OFFSET,
            MAX_START_OFFSET,
        ),
        "targets": targets,
    }


def _terminating(
    action: dict[str, Any], path: str, region: str, refs: References
) -> dict[str, Any]:
    targets = action["targets"]
    if len(targets) != 1:
        raise invalid(f"{path}.targets", "a terminating action has exactly one target")
    target, tpath = targets[0], f"{path}.targets[0]"
    kind = target["type"]
    if kind not in SUPPORTED_TERMINATING_TARGETS:
        raise invalid(
            f"{tpath}.type",
            f"{kind} is not supported; use one of " + ", ".join(SUPPORTED_TERMINATING_TARGETS),
        )
    out: dict[str, Any] = {"type": kind, "name": TERMINATING_TARGET_NAMES[kind]}
    if kind != "VoiceMailTerminatingTarget":
        out["dispatchingType"] = target["dispatchingType"]
    if "prompt" in target:
        out["prompt"] = target["prompt"]
    if kind == "PhoneNumberTerminatingTarget":
        out["destination"] = {
            "phoneNumber": _phone(
                target["destination"]["phoneNumber"], f"{tpath}.destination.phoneNumber", region
            )
        }
        if isinstance(target.get("name"), str):
            out["name"] = target["name"]
    if "extension" in target and kind in (
        "VoiceMailTerminatingTarget",
        "ExtensionTerminatingTarget",
    ):
        extension_id = str(target["extension"]["id"])
        refs.extensions[f"{tpath}.extension.id"] = extension_id
        out["extension"] = {"id": extension_id}
    return {"type": "TerminatingAction", "targets": [out]}


def _action(action: dict[str, Any], path: str, region: str, refs: References) -> dict[str, Any]:
    kind = action["type"]
    if kind == "RingGroupAction":
        return _ring_group(action, path, region, refs)
    if kind == "TerminatingAction":
        return _terminating(action, path, region, refs)
    if kind == "RingAlwaysGroupAction":
        kinds = [target["type"] for target in action["targets"]]
        if len(set(kinds)) != len(kinds):
            raise invalid(f"{path}.targets", "the same target is listed twice")
        return {
            "type": kind,
            "enabled": bool(action["enabled"]),
            "targets": [{"type": k, "name": APP_TARGET_NAMES[k]} for k in kinds],
        }
    if kind == "ScreeningAction":
        return {
            "type": kind,
            "enabled": bool(action["enabled"]),
            "screening": action["screening"],
            "screeningResult": action.get("screeningResult", "AskToAnswer"),
        }
    assert kind in GREETING_ACTIONS
    return {"type": kind, "enabled": bool(action["enabled"]), "greeting": action["greeting"]}


def normalize_dispatching(
    body: dict[str, Any], *, region: str, path: str = "dispatching"
) -> NormalizedDispatching:
    """The stored form of ``body``; a 400 naming the parameter for anything it cannot be."""
    refs = References()
    problems = ErrorCollector()
    actions: list[dict[str, Any]] = []
    for index, action in enumerate(body["actions"]):
        try:
            actions.append(_action(action, f"{path}.actions[{index}]", region, refs))
        except ValidationError as error:
            problems.details.extend(error.details)
    problems.raise_if_any()
    kinds = [action["type"] for action in actions]
    terminating = [i for i, kind in enumerate(kinds) if kind == "TerminatingAction"]
    if len(terminating) > 1 or (terminating and terminating[0] != len(actions) - 1):
        raise invalid(f"{path}.actions", "one TerminatingAction at most, and it comes last")
    if body["type"] == "Terminate":
        if not terminating:
            raise invalid(f"{path}.actions", "Terminate dispatching needs a TerminatingAction")
        if any(kind in ("RingGroupAction", "RingAlwaysGroupAction") for kind in kinds):
            raise invalid(f"{path}.actions", "Terminate dispatching rings nobody")
    document: dict[str, Any] = {"type": body["type"], "actions": actions}
    if "callTypes" in body:
        document["callTypes"] = {
            "queueCallsIncluded": bool(body["callTypes"]["queueCallsIncluded"])
        }
    return NormalizedDispatching(document, refs)
