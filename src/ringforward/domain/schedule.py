"""Time checks for answering rules: weekly ranges, date ranges and business hours."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ringforward.domain.errors import invalid
from ringforward.domain.model import (
    WEEKDAYS,
    BusinessHours,
    DateRange,
    Schedule,
    TimeRange,
    WeeklyRanges,
)

MINUTES_PER_DAY = 24 * 60
_HHMM = re.compile(r"([0-9]{2}):([0-9]{2})")


def parse_hhmm(text: str) -> int:
    """Minutes since midnight of ``"HH:MM"`` (``"00:00"``..``"24:00"``); ValueError otherwise."""
    if not isinstance(text, str):
        raise ValueError(f"{text!r} is not a time of day in the format HH:MM")
    return _parse_hhmm(text)


# Rules are evaluated for every call, so each distinct "HH:MM" is parsed once.
@lru_cache(maxsize=1024)
def _parse_hhmm(text: str) -> int:
    match = _HHMM.fullmatch(text)
    if match is None:
        raise ValueError(f"{text!r} is not a time of day in the format HH:MM")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes > 59 or hours > 24 or (hours == 24 and minutes != 0):
        raise ValueError(f"{text!r} is not a time of day between 00:00 and 24:00")
    return hours * 60 + minutes


@lru_cache(maxsize=256)
def _zone(tz_name: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"{tz_name!r} is not a known time zone") from error


def checked_time_zone(tz_name: str, parameter_name: str = "timeZone") -> str:
    """``tz_name`` if it is an IANA time zone (``America/Los_Angeles``), else a 400."""
    try:
        _zone(tz_name)
    except (ValueError, TypeError) as error:
        raise invalid(parameter_name, "not a known IANA time zone") from error
    return tz_name


# Reading an instant in another zone moves it by up to a day (offsets stay under 24 h), and
# a naive instant read in a zone and then converted can move by up to two. Instants nearer
# than that to either end of the calendar would overflow, so they are refused on the way in.
EARLIEST = datetime.min + timedelta(days=2)
LATEST = datetime.max - timedelta(days=2)


def checked_instant(at: datetime, parameter_name: str) -> datetime:
    """``at`` if it can be read in every time zone, else a 400 naming ``parameter_name``."""
    if not EARLIEST <= at.replace(tzinfo=None) <= LATEST:
        raise invalid(
            parameter_name,
            f"must lie between {EARLIEST:%Y-%m-%d} and {LATEST:%Y-%m-%d}",
        )
    return at


def local_time(at: datetime, tz_name: str) -> datetime:
    """``at`` as wall-clock time in ``tz_name``; a naive ``at`` is taken as already local there."""
    zone = _zone(tz_name)
    if at.tzinfo is None:
        return at.replace(tzinfo=zone)
    return at.astimezone(zone)


def to_utc(at: datetime, tz_name: str) -> datetime:
    """The absolute instant of ``at``; a naive ``at`` is read in ``tz_name``."""
    if at.tzinfo is None:
        # fold=0: an ambiguous wall time (the repeated hour in autumn) is its first
        # occurrence, and a time inside the spring gap is read with the offset before it.
        at = at.replace(tzinfo=_zone(tz_name))
    return at.astimezone(UTC)


# Frozen, hashable ranges: caching their parsed form keeps per-call rule checks cheap.
@lru_cache(maxsize=4096)
def _spans(time_range: TimeRange) -> tuple[int, int, int]:
    """(start, end today, end tomorrow) in minutes; end tomorrow is 0 when it does not cross."""
    start = parse_hhmm(time_range.start)
    end = parse_hhmm(time_range.end)
    if end in (0, MINUTES_PER_DAY):
        # "24:00" and "00:00" as the end both mean "until the end of the day".
        return start, MINUTES_PER_DAY, 0
    if end > start:
        return start, end, 0
    return start, MINUTES_PER_DAY, end


def in_weekly_ranges(local: datetime, weekly: WeeklyRanges) -> bool:
    """True when the wall-clock time ``local`` falls in one of the day's ranges.

    A range whose end is at or before its start crosses midnight: it covers its own day
    from the start to 24:00 and the next day from 00:00 to the end. Ranges are half-open
    (the start minute is inside, the end minute is not).
    """
    weekday = local.weekday()
    minute = local.hour * 60 + local.minute
    for time_range in weekly.get(WEEKDAYS[weekday], ()):
        start, end_today, _ = _spans(time_range)
        if start <= minute < end_today:
            return True
    for time_range in weekly.get(WEEKDAYS[weekday - 1], ()):
        _, _, end_tomorrow = _spans(time_range)
        if minute < end_tomorrow:
            return True
    return False


def weekly_range_days(weekly: WeeklyRanges) -> set[int]:
    """Weekdays (0 = Monday) on which some range of ``weekly`` can hold.

    A day with a range, and the day after one whose range crosses midnight.
    """
    days: set[int] = set()
    for day, name in enumerate(WEEKDAYS):
        for time_range in weekly.get(name, ()):
            days.add(day)
            if _spans(time_range)[2] > 0:
                days.add((day + 1) % len(WEEKDAYS))
    return days


def has_weekly_ranges(weekly: WeeklyRanges | None) -> bool:
    """True when at least one weekday holds at least one range."""
    return weekly is not None and any(weekly.get(day) for day in WEEKDAYS)


def schedule_is_given(schedule: Schedule | None) -> bool:
    """True when the schedule sets at least one condition on time."""
    return schedule is not None and (
        has_weekly_ranges(schedule.weekly_ranges)
        or bool(schedule.ranges)
        or schedule.ref is not None
    )


# Date ranges are frozen and rules are read again for every call: convert each once.
@lru_cache(maxsize=4096)
def _bounds(date_range: DateRange, tz_name: str) -> tuple[datetime, datetime]:
    return to_utc(date_range.start, tz_name), to_utc(date_range.end, tz_name)


def date_range_bounds(date_range: DateRange, tz_name: str) -> tuple[datetime, datetime]:
    """(start, end) of ``date_range`` as UTC instants; naive ends are local to ``tz_name``."""
    return _bounds(date_range, tz_name)


def _in_ranges(instant: datetime, ranges: Iterable[DateRange], tz_name: str) -> bool:
    for date_range in ranges:
        start, end = _bounds(date_range, tz_name)
        if start <= instant < end:
            return True
    return False


def in_date_ranges(at: datetime, ranges: Iterable[DateRange], tz_name: str) -> bool:
    """True when ``at`` lies in one of ``ranges`` (start included, end excluded).

    Naive datetimes (in a range or ``at`` itself) are local to ``tz_name``; aware ones
    are absolute instants. A range whose end is not after its start is empty.
    """
    return _in_ranges(to_utc(at, tz_name), ranges, tz_name)


def in_business_hours(at: datetime, tz_name: str, business_hours: BusinessHours) -> bool:
    """True inside the weekly business hours; business hours with no ranges are 24/7."""
    if business_hours.is_always_open:
        return True
    return in_weekly_ranges(local_time(at, tz_name), business_hours.weekly_ranges)


@dataclass(frozen=True)
class Moment:
    """One call's instant read in one zone, worked out once and checked against many rules."""

    instant: datetime  # aware, UTC
    local: datetime  # wall-clock time in ``tz_name``
    tz_name: str
    in_business_hours: bool

    @classmethod
    def of(cls, at: datetime, tz_name: str, business_hours: BusinessHours) -> Moment:
        local = local_time(at, tz_name)
        inside = business_hours.is_always_open or in_weekly_ranges(
            local, business_hours.weekly_ranges
        )
        return cls(local.astimezone(UTC), local, tz_name, inside)


def schedule_holds(schedule: Schedule, moment: Moment) -> bool:
    """:func:`schedule_matches` for a moment already worked out."""
    weekly = schedule.weekly_ranges
    if weekly and not in_weekly_ranges(moment.local, weekly) and has_weekly_ranges(weekly):
        return False
    if schedule.ranges and not _in_ranges(moment.instant, schedule.ranges, moment.tz_name):
        return False
    return schedule.ref is None or moment.in_business_hours == (schedule.ref == "BusinessHours")


def schedule_matches(
    schedule: Schedule, at: datetime, tz_name: str, business_hours: BusinessHours
) -> bool:
    """True when every part the schedule gives holds at ``at``.

    The parts are weekly ranges, date ranges and ``ref`` (in business hours for
    BusinessHours, outside them for AfterHours). A part that holds no range is not
    given; a schedule that gives no part at all puts no condition on time.
    """
    return schedule_holds(schedule, Moment.of(at, tz_name, business_hours))
