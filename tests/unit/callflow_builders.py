"""Builders for the call-flow tests: an extension's call handling, calls at wall times, and
the simulated flow read back as JSON."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from ringforward.domain.callflow import (
    Call,
    ExtensionCallHandling,
    call_flow_to_json,
    simulate,
)
from ringforward.domain.model import (
    AnsweringRule,
    BusinessHours,
    Extension,
    ForwardingNumber,
    TimeRange,
)

LA = "America/Los_Angeles"
LA_ZONE = ZoneInfo(LA)
EXT_ID = "22222222"
BH, AH = "business-hours-rule", "after-hours-rule"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")
MON_FRI_9_18 = BusinessHours({day: (TimeRange("09:00", "18:00"),) for day in WEEKDAYS})

Loader = Callable[[str], ExtensionCallHandling | None]


def la(text: str) -> datetime:
    """A Los Angeles wall time; 2026-03-09 is a Monday."""
    return datetime.fromisoformat(text).replace(tzinfo=LA_ZONE)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def extension(ext_id: str = EXT_ID, time_zone: str | None = None) -> Extension:
    return Extension(ext_id, "11111111", "101", "Demo Admin", "a@example.com", True, time_zone)


def bh_rule(ext_id: str = EXT_ID, **fields: Any) -> AnsweringRule:
    return AnsweringRule(BH, ext_id, "BusinessHours", "Work Hours", **fields)


def ah_rule(ext_id: str = EXT_ID, **fields: Any) -> AnsweringRule:
    return AnsweringRule(AH, ext_id, "AfterHours", "After Hours", **fields)


def custom(rule_id: str, position: int = 1, **fields: Any) -> AnsweringRule:
    """A custom rule of the demo extension (taking messages unless told otherwise)."""
    fields.setdefault("call_handling_action", "TakeMessagesOnly")
    return AnsweringRule(rule_id, EXT_ID, "Custom", f"rule {rule_id}", position=position, **fields)


def handling(
    *customs: AnsweringRule,
    bh: AnsweringRule | None = None,
    ah: AnsweringRule | None = None,
    standard: tuple[AnsweringRule, ...] | None = None,
    business_hours: BusinessHours = MON_FRI_9_18,
    ext_id: str = EXT_ID,
    time_zone: str = LA,
    numbers: Mapping[str, ForwardingNumber] | None = None,
) -> ExtensionCallHandling:
    """An extension's call handling: the standard rules (a plain business-hours rule and an
    after-hours rule taking messages, unless given) followed by ``customs``."""
    if standard is None:
        standard = (
            bh or bh_rule(ext_id),
            ah or ah_rule(ext_id, call_handling_action="TakeMessagesOnly"),
        )
    return ExtensionCallHandling(
        extension(ext_id), time_zone, business_hours, (*standard, *customs), numbers or {}
    )


def no_extensions(_: str) -> ExtensionCallHandling | None:
    return None


def loader(*extensions: ExtensionCallHandling) -> Loader:
    """The other extensions a transfer may reach, by id."""
    by_id = {h.extension.id: h for h in extensions}
    return by_id.get


def flow_json(h: ExtensionCallHandling, call: Call, **kwargs: Any) -> dict[str, Any]:
    kwargs.setdefault("load_extension", no_extensions)
    return call_flow_to_json(simulate(h, call, **kwargs))


def steps_of(document: dict[str, Any]) -> list[tuple[int, int, int | None, list[str]]]:
    return [(s["start"], s["end"], s["group"], s["ring"]) for s in document["steps"]]


def then_of(document: dict[str, Any]) -> tuple[str, int, str | None]:
    then = document["then"]
    return then["action"], then["at"], then["target"]
