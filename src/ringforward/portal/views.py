"""What the portal's templates show, computed from domain values (no I/O, no HTML)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ringforward.domain.model import (
    MAX_RING_COUNT,
    MIN_RING_COUNT,
    SECONDS_PER_RING,
    WEEKDAYS,
    AnsweringRule,
    ForwardingNumber,
    Schedule,
    WeeklyRanges,
)
from ringforward.wire.forwarding import forwarding_rules_json

# A forwarding list as the ``forwarding.rules`` of a RingCentral PUT body.
groups_body = forwarding_rules_json

ACTION_NAMES: dict[str, str] = {
    "ForwardCalls": "Forward calls to my forwarding list",
    "UnconditionalForwarding": "Forward all calls to one number",
    "TakeMessagesOnly": "Send calls to voicemail",
    "PlayAnnouncementOnly": "Play an announcement and hang up",
    "TransferToExtension": "Transfer to another extension",
}
NEW_NUMBER_TYPES: tuple[str, ...] = ("Other", "Mobile", "Home", "Work")


@dataclass(frozen=True)
class NumberRow:
    """One forwarding number as a row of the list."""

    id: str
    phone: str
    label: str
    type: str
    active: bool


@dataclass(frozen=True)
class GroupBlock:
    """One entry of the forwarding list, drawn as one block; more than one row = ring group."""

    index: int
    ring_count: int
    rows: tuple[NumberRow, ...]

    @property
    def is_ring_group(self) -> bool:
        return len(self.rows) > 1

    @property
    def anchor(self) -> str:
        """A stable name for the block's controls: the id of its first number, which
        survives reordering, so focus stays on the moved block after a re-render."""
        return self.rows[0].id if self.rows else str(self.index)

    @property
    def title(self) -> str:
        return f"Ring group {self.index}" if self.is_ring_group else f"Step {self.index}"


@dataclass(frozen=True)
class ForwardingListView:
    groups: tuple[GroupBlock, ...]
    inactive: tuple[NumberRow, ...]
    ringing_mode: str


@dataclass(frozen=True)
class RuleTab:
    id: str
    name: str
    type: str
    enabled: bool
    selected: bool

    @property
    def caption(self) -> str:
        return {"BusinessHours": "Business hours", "AfterHours": "After hours"}.get(
            self.type, self.name
        )


def phone_of(number: ForwardingNumber) -> str:
    if number.phone_number:
        return number.phone_number
    return f"Device {number.device_id}" if number.device_id else number.label


def number_row(number: ForwardingNumber, *, active: bool) -> NumberRow:
    return NumberRow(number.id, phone_of(number), number.label, number.type, active)


def forwarding_list_view(
    rule: AnsweringRule, numbers: Sequence[ForwardingNumber]
) -> ForwardingListView:
    by_id = {number.id: number for number in numbers}
    groups = tuple(
        GroupBlock(
            group.index,
            group.ring_count,
            tuple(
                number_row(by_id[number_id], active=True)
                for number_id in group.number_ids
                if number_id in by_id
            ),
        )
        for group in rule.forwarding.groups
    )
    active = rule.forwarding.active_number_ids()
    inactive = tuple(number_row(n, active=False) for n in numbers if n.id not in active)
    return ForwardingListView(groups, inactive, rule.forwarding.ringing_mode)


def rule_tabs(rules: Sequence[AnsweringRule], selected_id: str) -> tuple[RuleTab, ...]:
    return tuple(
        RuleTab(rule.id, rule.name, rule.type, rule.enabled, rule.id == selected_id)
        for rule in rules
    )


def ring_count_choices() -> tuple[tuple[int, str], ...]:
    """The ring-count options, each saying how long that is (one ring is 5 seconds)."""
    return tuple(
        (count, f"{count} ring{'s' if count > 1 else ''} ({count * SECONDS_PER_RING} s)")
        for count in range(MIN_RING_COUNT, MAX_RING_COUNT + 1)
    )


def describe_action(rule: AnsweringRule, extension_names: dict[str, str]) -> str:
    action = rule.call_handling_action
    if action == "UnconditionalForwarding" and rule.unconditional_forwarding:
        return f"Forward all calls to {rule.unconditional_forwarding.phone_number}"
    if action == "TransferToExtension" and rule.transfer_extension_id:
        name = extension_names.get(rule.transfer_extension_id, rule.transfer_extension_id)
        return f"Transfer to {name}"
    return ACTION_NAMES.get(action, action)


def describe_weekly(weekly: WeeklyRanges) -> str:
    parts = []
    for day in WEEKDAYS:
        ranges = weekly.get(day) or ()
        if ranges:
            spans = ", ".join(f"{r.start}\u2013{r.end}" for r in ranges)
            parts.append(f"{day[:3].title()} {spans}")
    return "; ".join(parts)


def describe_schedule(schedule: Schedule | None) -> str | None:
    if schedule is None:
        return None
    if schedule.ref == "BusinessHours":
        return "During business hours"
    if schedule.ref == "AfterHours":
        return "After hours"
    parts = []
    if schedule.weekly_ranges:
        parts.append(describe_weekly(schedule.weekly_ranges))
    for span in schedule.ranges:
        parts.append(f"{span.start:%Y-%m-%d %H:%M} to {span.end:%Y-%m-%d %H:%M}")
    return "; ".join(parts) or None


def describe_conditions(rule: AnsweringRule) -> tuple[str, ...]:
    """What makes a custom rule answer a call, one short line per condition."""
    lines = []
    if rule.callers:
        lines.append("Calls from " + ", ".join(c.caller_id for c in rule.callers))
    if rule.called_numbers:
        lines.append("Calls to " + ", ".join(rule.called_numbers))
    schedule = describe_schedule(rule.schedule)
    if schedule:
        lines.append(schedule)
    return tuple(lines)
