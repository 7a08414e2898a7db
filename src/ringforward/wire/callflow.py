"""The call-flow document of our ``call-flow/simulate`` extension and ``simulate --json``."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # Only for annotations: ``domain.callflow`` re-exports this module's function.
    from ringforward.domain.callflow import CallFlow, RuleRef


def rfc3339(moment: datetime) -> str:
    """``moment`` as an RFC 3339 date-time. Its offset must be whole minutes, so a zone's
    local mean time before standard time (Los Angeles: -07:52:58 until 1883) is written
    at the nearest whole-minute offset: the same instant, the wall clock off by seconds."""
    offset = moment.utcoffset()
    if offset is None or offset.seconds % 60 == 0:
        return moment.isoformat()
    minutes = round(offset.total_seconds() / 60)
    return moment.astimezone(timezone(timedelta(minutes=minutes))).isoformat()


def _rule_json(rule: RuleRef) -> dict[str, Any]:
    return {"id": rule.id, "type": rule.type, "name": rule.name}


def call_flow_json(flow: CallFlow) -> dict[str, Any]:
    """The contract's JSON document (times in whole seconds from the call's start)."""
    return {
        "rule": _rule_json(flow.rule),
        "action": flow.action,
        "steps": [
            {
                "start": step.start,
                "end": step.end,
                "group": step.group,
                "ring": list(step.ring),
                "extension": step.extension_id,
                "devices": [
                    {
                        "id": device.forwarding_number_id,
                        "deviceId": device.device_id,
                        "label": device.label,
                    }
                    for device in step.devices
                ],
            }
            for step in flow.steps
        ],
        "then": {
            "action": flow.then.action,
            "at": flow.then.at,
            "target": flow.then.target,
            "reason": flow.then.reason,
        },
        "extension": flow.extension_id,
        "timeZone": flow.time_zone,
        "localTime": rfc3339(flow.local_time),
        "transfers": [
            {
                "extension": hop.extension_id,
                "at": hop.at,
                "rule": _rule_json(hop.rule),
                "action": hop.action,
            }
            for hop in flow.transfers
        ],
        "loop": list(flow.loop) if flow.loop is not None else None,
    }
