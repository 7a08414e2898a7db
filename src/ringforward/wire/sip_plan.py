"""The decision document of ``/internal/sip/route``, which the SIP proxy reads."""

from __future__ import annotations

from typing import Any

from ringforward.domain.sip_plan import SipPlan


def sip_plan_json(plan: SipPlan) -> dict[str, Any]:
    """The decision document the SIP proxy reads (times in milliseconds from the INVITE)."""
    return {
        "extension": plan.extension_id,
        "stages": [
            {
                "startMs": stage.start_ms,
                "durationMs": stage.duration_ms,
                "targets": [{"kind": t.kind, "user": t.user} for t in stage.targets],
            }
            for stage in plan.stages
        ],
        "final": plan.final,
        "reason": plan.reason,
    }
