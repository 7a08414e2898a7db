"""The "Who rings" panel: a call flow laid out as bars on a seconds axis."""

from __future__ import annotations

from dataclasses import dataclass

from ringforward.domain.callflow import CallFlow, RingStep
from ringforward.domain.model import SECONDS_PER_RING
from ringforward.domain.ring_timeline import APPS, coworker_id

FINAL_ACTION_NAMES = {
    "Voicemail": "Voicemail",
    "Disconnect": "The call ends",
    "Announcement": "An announcement plays",
    "Forward": "Forwarded",
    "Transfer": "Transferred",
}


@dataclass(frozen=True)
class Bar:
    label: str
    start: int
    end: int
    left: float
    width: float

    @property
    def description(self) -> str:
        return f"{self.label} rings from {self.start} s to {self.end} s"


@dataclass(frozen=True)
class Timeline:
    rule_name: str
    rule_id: str
    action: str
    bars: tuple[Bar, ...]
    ticks: tuple[tuple[int, float], ...]
    final: str
    final_at: int
    final_left: float
    # One sentence per hand-over the call took before anyone rang.
    transfers: tuple[str, ...] = ()


def _who(entry: str) -> str:
    if entry == APPS:
        return "Apps"
    coworker = coworker_id(entry)
    return entry if coworker is None else f"Extension {coworker}"


def _label(step: RingStep) -> str:
    targets = [_who(entry) for entry in step.ring]
    targets += [device.label for device in step.devices if device.device_id]
    who = ", ".join(targets) or "—"
    return f"Group {step.group}: {who}" if step.group is not None else who


def _tick_step(total: int) -> int:
    for step in (SECONDS_PER_RING, 10, 15, 30, 60):
        if total / step <= 8:
            return step
    return 120


def timeline_of(flow: CallFlow) -> Timeline:
    """Bars positioned in percent of the axis; the axis ends a little after the last event."""
    then = flow.then
    last = max([then.at, *(step.end for step in flow.steps)], default=0)
    total = max(last + SECONDS_PER_RING, 2 * SECONDS_PER_RING)

    def percent(seconds: int) -> float:
        return round(100 * seconds / total, 2)

    bars = tuple(
        Bar(_label(step), step.start, step.end, percent(step.start), percent(step.end - step.start))
        for step in flow.steps
    )
    tick = _tick_step(total)
    ticks = tuple((second, percent(second)) for second in range(0, total + 1, tick))
    final = FINAL_ACTION_NAMES.get(then.action, then.action)
    if then.target and then.action in ("Forward", "Transfer"):
        final = f"{final} to {then.target}"
    if then.reason:
        final = f"{final} ({then.reason})"
    return Timeline(
        rule_name=flow.rule.name,
        rule_id=flow.rule.id,
        action=flow.action,
        bars=bars,
        ticks=ticks,
        final=final,
        final_at=then.at,
        final_left=percent(then.at),
        transfers=tuple(
            f"Transferred at once to extension {hop.extension_id}, "
            f"answered there by {hop.rule.name}: {hop.action}."
            for hop in flow.transfers
        ),
    )
