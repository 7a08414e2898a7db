"""Domain values to and from the JSON documents kept in the database."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.engine import RowMapping

from ringforward.domain.model import (
    AnsweringRule,
    Caller,
    DateRange,
    ForwardingGroup,
    ForwardingSettings,
    MissedCall,
    Schedule,
    TimeRange,
    UnconditionalForwarding,
    Voicemail,
    WeeklyRanges,
)
from ringforward.json_text import json_text


def weekly_to_json(weekly: WeeklyRanges) -> dict[str, list[dict[str, str]]]:
    return {day: [{"from": r.start, "to": r.end} for r in ranges] for day, ranges in weekly.items()}


def weekly_from_json(raw: Mapping[str, Any]) -> dict[str, tuple[TimeRange, ...]]:
    return {
        day: tuple(TimeRange(r["from"], r["to"]) for r in ranges) for day, ranges in raw.items()
    }


def _schedule_to_json(schedule: Schedule | None) -> dict[str, Any] | None:
    if schedule is None:
        return None
    return {
        "weeklyRanges": weekly_to_json(schedule.weekly_ranges)
        if schedule.weekly_ranges is not None
        else None,
        "ranges": [{"from": r.start.isoformat(), "to": r.end.isoformat()} for r in schedule.ranges],
        "ref": schedule.ref,
    }


def _schedule_from_json(raw: Mapping[str, Any] | None) -> Schedule | None:
    if raw is None:
        return None
    weekly = raw.get("weeklyRanges")
    return Schedule(
        weekly_ranges=weekly_from_json(weekly) if weekly is not None else None,
        ranges=tuple(
            DateRange(datetime.fromisoformat(r["from"]), datetime.fromisoformat(r["to"]))
            for r in raw.get("ranges") or []
        ),
        ref=raw.get("ref"),
    )


# The documents last made, by the rule they were made of (the very object): a rule's
# save writes its document, then audits it as "after", and its next save audits it as
# "before". Rules are immutable; each entry holds its rule, so no id is reused meanwhile.
_MADE: dict[int, tuple[AnsweringRule, str]] = {}
_MADE_KEPT = 1024


def rule_to_document(rule: AnsweringRule) -> str:
    made = _MADE.get(id(rule))
    if made is not None and made[0] is rule:
        return made[1]
    document = _rule_document(rule)
    if len(_MADE) >= _MADE_KEPT:
        _MADE.clear()
    _MADE[id(rule)] = (rule, document)
    return document


def _rule_document(rule: AnsweringRule) -> str:
    forwarding = rule.forwarding
    document = {
        "name": rule.name,
        # The row's ``enabled`` column is what is read back; the copy here lets the audit
        # trail's before/after documents show a rule being switched on or off.
        "enabled": rule.enabled,
        "callers": [{"callerId": c.caller_id, "name": c.name} for c in rule.callers],
        "calledNumbers": list(rule.called_numbers),
        "schedule": _schedule_to_json(rule.schedule),
        "callHandlingAction": rule.call_handling_action,
        "forwarding": {
            "notifyMySoftPhones": forwarding.notify_my_soft_phones,
            "softPhonesRingCount": forwarding.soft_phones_ring_count,
            "softPhonesAlwaysRing": forwarding.soft_phones_always_ring,
            "softPhonesPositionTop": forwarding.soft_phones_position_top,
            "ringingMode": forwarding.ringing_mode,
            "groups": [[g.ring_count, list(g.number_ids)] for g in forwarding.groups],
        },
        "unconditionalForwarding": [
            rule.unconditional_forwarding.phone_number,
            rule.unconditional_forwarding.action,
        ]
        if rule.unconditional_forwarding
        else None,
        "transfer": rule.transfer_extension_id,
        "voicemail": [rule.voicemail.enabled, rule.voicemail.recipient_id],
        "missedCall": [
            rule.missed_call.action_type,
            rule.missed_call.extension_id,
            rule.missed_call.external_number,
        ]
        if rule.missed_call
        else None,
        "screening": rule.screening,
        "greetings": [dict(g) for g in rule.greetings],
    }
    return json_text(document)


def rule_from_row(row: RowMapping) -> AnsweringRule:
    return rule_from_document(
        row["document"],
        rule_id=row["rule_id"],
        extension_id=row["extension_id"],
        rule_type=row["type"],
        enabled=bool(row["enabled"]),
        position=int(row["position"]),
        version=int(row["version"]),
    )


def rule_from_document(
    raw: str,
    *,
    rule_id: str,
    extension_id: str,
    rule_type: str,
    enabled: bool,
    position: int,
    version: int,
) -> AnsweringRule:
    """The rule a stored document describes, with the identity kept beside it."""
    document = json.loads(raw)
    forwarding = document["forwarding"]
    unconditional = document["unconditionalForwarding"]
    missed = document["missedCall"]
    return AnsweringRule(
        id=rule_id,
        extension_id=extension_id,
        type=rule_type,
        name=document["name"],
        enabled=enabled,
        callers=tuple(Caller(c["callerId"], c.get("name")) for c in document["callers"]),
        called_numbers=tuple(document["calledNumbers"]),
        schedule=_schedule_from_json(document["schedule"]),
        call_handling_action=document["callHandlingAction"],
        forwarding=ForwardingSettings(
            notify_my_soft_phones=forwarding["notifyMySoftPhones"],
            soft_phones_ring_count=forwarding["softPhonesRingCount"],
            soft_phones_always_ring=forwarding["softPhonesAlwaysRing"],
            soft_phones_position_top=forwarding["softPhonesPositionTop"],
            ringing_mode=forwarding["ringingMode"],
            groups=tuple(
                ForwardingGroup(index, ring_count, tuple(ids))
                for index, (ring_count, ids) in enumerate(forwarding["groups"], start=1)
            ),
        ),
        unconditional_forwarding=UnconditionalForwarding(*unconditional) if unconditional else None,
        transfer_extension_id=document["transfer"],
        voicemail=Voicemail(*document["voicemail"]),
        missed_call=MissedCall(*missed) if missed else None,
        screening=document["screening"],
        greetings=tuple(document["greetings"]),
        position=position,
        version=version,
    )
