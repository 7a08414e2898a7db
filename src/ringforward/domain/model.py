"""The call-handling domain model: immutable values with no I/O and no framework."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

WEEKDAYS: tuple[str, ...] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
SECONDS_PER_RING = 5
DEFAULT_RING_COUNT = 4
MIN_RING_COUNT = 1
MAX_RING_COUNT = 15
MAX_NUMBERS_PER_GROUP = 10

RULE_TYPES: tuple[str, ...] = ("BusinessHours", "AfterHours", "Custom")
BUSINESS_HOURS_RULE_ID = "business-hours-rule"
AFTER_HOURS_RULE_ID = "after-hours-rule"
STANDARD_RULE_IDS: dict[str, str] = {
    BUSINESS_HOURS_RULE_ID: "BusinessHours",
    AFTER_HOURS_RULE_ID: "AfterHours",
}

# What a user (not a call queue / shared-lines group) extension may do with a call.
USER_CALL_HANDLING_ACTIONS: tuple[str, ...] = (
    "ForwardCalls",
    "UnconditionalForwarding",
    "TakeMessagesOnly",
    "PlayAnnouncementOnly",
    "TransferToExtension",
)
RINGING_MODES: tuple[str, ...] = ("Sequentially", "Simultaneously")
FORWARDING_NUMBER_FEATURES: tuple[str, ...] = ("CallFlip", "CallForwarding")


@dataclass(frozen=True)
class Account:
    id: str
    name: str
    main_number: str
    time_zone: str
    country: str = "US"


@dataclass(frozen=True)
class Extension:
    id: str
    account_id: str
    extension_number: str
    name: str
    email: str
    is_admin: bool
    time_zone: str | None = None
    direct_numbers: tuple[str, ...] = ()
    status: str = "Enabled"


@dataclass(frozen=True)
class TimeRange:
    """A daily range ``"HH:MM"``..``"HH:MM"``; an end at or before the start crosses midnight."""

    start: str
    end: str


WeeklyRanges = Mapping[str, tuple[TimeRange, ...]]


@dataclass(frozen=True)
class DateRange:
    """A range of instants; naive datetimes are read in the extension's time zone."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class Schedule:
    weekly_ranges: WeeklyRanges | None = None
    ranges: tuple[DateRange, ...] = ()
    ref: Literal["BusinessHours", "AfterHours"] | None = None


@dataclass(frozen=True)
class BusinessHours:
    """An extension's business hours; no ranges at all means 24/7."""

    weekly_ranges: WeeklyRanges = field(default_factory=dict)

    @property
    def is_always_open(self) -> bool:
        return not any(self.weekly_ranges.get(day) for day in WEEKDAYS)


@dataclass(frozen=True)
class ForwardingNumber:
    id: str
    extension_id: str
    phone_number: str | None
    label: str
    type: str = "Other"
    flip_number: int = 1
    device_id: str | None = None


@dataclass(frozen=True)
class ForwardingGroup:
    """One entry of ``forwarding.rules``: numbers that ring together; >1 number = ring group."""

    index: int
    ring_count: int
    number_ids: tuple[str, ...]


@dataclass(frozen=True)
class ForwardingSettings:
    notify_my_soft_phones: bool = True
    soft_phones_ring_count: int = 1
    soft_phones_always_ring: bool = True
    soft_phones_position_top: bool = True
    ringing_mode: str = "Sequentially"
    groups: tuple[ForwardingGroup, ...] = ()

    def active_number_ids(self) -> set[str]:
        return {number_id for group in self.groups for number_id in group.number_ids}


@dataclass(frozen=True)
class Caller:
    caller_id: str
    name: str | None = None


@dataclass(frozen=True)
class UnconditionalForwarding:
    phone_number: str
    action: str | None = None


@dataclass(frozen=True)
class Voicemail:
    enabled: bool = True
    recipient_id: str | None = None


@dataclass(frozen=True)
class MissedCall:
    action_type: str
    extension_id: str | None = None
    external_number: str | None = None


@dataclass(frozen=True)
class AnsweringRule:
    id: str
    extension_id: str
    type: str
    name: str
    enabled: bool = True
    callers: tuple[Caller, ...] = ()
    called_numbers: tuple[str, ...] = ()
    schedule: Schedule | None = None
    call_handling_action: str = "ForwardCalls"
    forwarding: ForwardingSettings = field(default_factory=ForwardingSettings)
    unconditional_forwarding: UnconditionalForwarding | None = None
    transfer_extension_id: str | None = None
    voicemail: Voicemail = field(default_factory=Voicemail)
    missed_call: MissedCall | None = None
    screening: str = "Off"
    # Kept verbatim: we store and return greetings but do not play them.
    greetings: tuple[Mapping[str, Any], ...] = ()
    # Creation order; custom rules are tried in this order.
    position: int = 0
    # Bumped by every change; the ETag is derived from it.
    version: int = 1

    @property
    def is_custom(self) -> bool:
        return self.type == "Custom"


def default_rule_name(rule_type: str) -> str:
    return {"BusinessHours": "Work Hours", "AfterHours": "After Hours"}.get(rule_type, "Custom")
