"""Time checks of answering rules: HH:MM parsing, weekly and date ranges, business hours, DST."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from ringforward.domain.model import BusinessHours, DateRange, Schedule, TimeRange
from ringforward.domain.schedule import (
    in_business_hours,
    in_date_ranges,
    in_weekly_ranges,
    local_time,
    parse_hhmm,
    schedule_matches,
)

LA = "America/Los_Angeles"
LA_ZONE = ZoneInfo(LA)
WEEKDAYS_9_TO_6 = BusinessHours(
    {
        day: (TimeRange("09:00", "18:00"),)
        for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
    }
)
ALWAYS_OPEN = BusinessHours()


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def wall(text: str) -> datetime:
    """A wall-clock time (naive) for weekly-range checks; 2026-03-09 is a Monday."""
    return datetime.fromisoformat(text)


# ---------------------------------------------------------------------------- parse_hhmm


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("00:00", 0), ("09:30", 570), ("18:00", 1080), ("23:59", 1439), ("24:00", 1440)],
)
def test_parse_hhmm_reads_hours_and_minutes(text: str, minutes: int) -> None:
    assert parse_hhmm(text) == minutes


@pytest.mark.parametrize(
    "text",
    [
        "24:01",
        "25:00",
        "9:00",
        "09:60",
        "0900",
        "",
        "ab:cd",
        " 09:00",
        "09:00:00",
        "-1:00",
        None,
        900,
    ],
)
def test_parse_hhmm_refuses_anything_but_hh_mm_up_to_24_00(text: Any) -> None:
    with pytest.raises(ValueError):
        parse_hhmm(text)


# ---------------------------------------------------------------------------- local_time


@pytest.mark.parametrize(
    ("instant", "expected_wall", "expected_offset_hours"),
    [
        # Spring forward on Sunday 2026-03-08: 02:00 PST jumps to 03:00 PDT.
        ("2026-03-08T09:59:00", "2026-03-08T01:59:00", -8),
        ("2026-03-08T10:00:00", "2026-03-08T03:00:00", -7),
        # Fall back on Sunday 2026-11-01: 01:00..02:00 happens twice.
        ("2026-11-01T08:30:00", "2026-11-01T01:30:00", -7),
        ("2026-11-01T09:30:00", "2026-11-01T01:30:00", -8),
        ("2026-07-01T17:00:00", "2026-07-01T10:00:00", -7),
        ("2026-01-15T18:00:00", "2026-01-15T10:00:00", -8),
    ],
)
def test_local_time_follows_dst_in_los_angeles(
    instant: str, expected_wall: str, expected_offset_hours: int
) -> None:
    local = local_time(utc(instant), LA)
    assert local.replace(tzinfo=None) == datetime.fromisoformat(expected_wall)
    assert local.utcoffset() == timedelta(hours=expected_offset_hours)


def test_local_time_reads_a_naive_datetime_as_already_local() -> None:
    local = local_time(datetime(2026, 3, 9, 10, 0), LA)
    assert local.hour == 10
    assert local.astimezone(UTC) == utc("2026-03-09T17:00:00")


def test_local_time_of_an_offset_datetime_is_the_same_instant() -> None:
    at = datetime(2026, 3, 9, 13, 0, tzinfo=timezone(timedelta(hours=-4)))
    assert local_time(at, LA).hour == 10


def test_local_time_refuses_an_unknown_time_zone() -> None:
    with pytest.raises(ValueError):
        local_time(utc("2026-03-09T17:00:00"), "Mars/Olympus_Mons")


# ---------------------------------------------------------------------------- weekly ranges


@pytest.mark.parametrize(
    ("weekly", "at", "inside"),
    [
        # Plain range, start included, end excluded.
        ({"monday": (TimeRange("09:00", "18:00"),)}, "2026-03-09T09:00", True),
        ({"monday": (TimeRange("09:00", "18:00"),)}, "2026-03-09T08:59", False),
        ({"monday": (TimeRange("09:00", "18:00"),)}, "2026-03-09T17:59:59", True),
        ({"monday": (TimeRange("09:00", "18:00"),)}, "2026-03-09T18:00", False),
        ({"monday": (TimeRange("09:00", "18:00"),)}, "2026-03-10T10:00", False),
        # A weekday with several ranges (lunch break).
        (
            {"monday": (TimeRange("09:00", "12:00"), TimeRange("13:00", "17:00"))},
            "2026-03-09T11:59",
            True,
        ),
        (
            {"monday": (TimeRange("09:00", "12:00"), TimeRange("13:00", "17:00"))},
            "2026-03-09T12:30",
            False,
        ),
        (
            {"monday": (TimeRange("09:00", "12:00"), TimeRange("13:00", "17:00"))},
            "2026-03-09T13:00",
            True,
        ),
        (
            {"monday": (TimeRange("09:00", "12:00"), TimeRange("13:00", "17:00"))},
            "2026-03-09T17:00",
            False,
        ),
        # Crossing midnight: Friday 22:00 to Saturday 06:00.
        ({"friday": (TimeRange("22:00", "06:00"),)}, "2026-03-13T23:00", True),
        ({"friday": (TimeRange("22:00", "06:00"),)}, "2026-03-14T00:00", True),
        ({"friday": (TimeRange("22:00", "06:00"),)}, "2026-03-14T05:59", True),
        ({"friday": (TimeRange("22:00", "06:00"),)}, "2026-03-14T06:00", False),
        ({"friday": (TimeRange("22:00", "06:00"),)}, "2026-03-13T21:59", False),
        ({"friday": (TimeRange("22:00", "06:00"),)}, "2026-03-13T03:00", False),
        ({"friday": (TimeRange("22:00", "06:00"),)}, "2026-03-12T23:00", False),
        # Sunday's overnight range reaches into Monday (the week wraps).
        ({"sunday": (TimeRange("22:00", "02:00"),)}, "2026-03-09T01:00", True),
        ({"sunday": (TimeRange("22:00", "02:00"),)}, "2026-03-09T02:00", False),
        # "24:00" and "00:00" as the end both mean the end of the day, nothing beyond.
        ({"saturday": (TimeRange("20:00", "24:00"),)}, "2026-03-14T23:59", True),
        ({"saturday": (TimeRange("20:00", "24:00"),)}, "2026-03-15T00:00", False),
        ({"saturday": (TimeRange("20:00", "00:00"),)}, "2026-03-14T23:59", True),
        ({"saturday": (TimeRange("20:00", "00:00"),)}, "2026-03-15T00:00", False),
        ({"saturday": (TimeRange("20:00", "00:00"),)}, "2026-03-14T19:59", False),
        # 00:00..00:00 is the whole day; 09:00..09:00 is 24 hours from 09:00.
        ({"monday": (TimeRange("00:00", "00:00"),)}, "2026-03-09T00:00", True),
        ({"monday": (TimeRange("00:00", "00:00"),)}, "2026-03-09T23:59", True),
        ({"monday": (TimeRange("00:00", "00:00"),)}, "2026-03-10T00:00", False),
        ({"monday": (TimeRange("09:00", "09:00"),)}, "2026-03-09T09:00", True),
        ({"monday": (TimeRange("09:00", "09:00"),)}, "2026-03-10T08:59", True),
        ({"monday": (TimeRange("09:00", "09:00"),)}, "2026-03-10T09:00", False),
        ({"monday": (TimeRange("09:00", "09:00"),)}, "2026-03-09T08:59", False),
        # Nothing given: never inside.
        ({}, "2026-03-09T10:00", False),
        ({"monday": ()}, "2026-03-09T10:00", False),
    ],
)
def test_in_weekly_ranges(weekly: dict[str, tuple[TimeRange, ...]], at: str, inside: bool) -> None:
    assert in_weekly_ranges(wall(at), weekly) is inside


@pytest.mark.parametrize(
    ("weekly", "instant", "inside"),
    [
        # Sunday 2026-03-08 02:00..03:00 does not exist in Los Angeles.
        ({"sunday": (TimeRange("02:00", "03:00"),)}, "2026-03-08T09:59:00", False),
        ({"sunday": (TimeRange("02:00", "03:00"),)}, "2026-03-08T10:00:00", False),
        ({"sunday": (TimeRange("02:00", "03:30"),)}, "2026-03-08T10:00:00", True),
        # Sunday 2026-11-01 01:00..02:00 happens twice; both occurrences are inside.
        ({"sunday": (TimeRange("01:00", "02:00"),)}, "2026-11-01T08:30:00", True),
        ({"sunday": (TimeRange("01:00", "02:00"),)}, "2026-11-01T09:30:00", True),
        ({"sunday": (TimeRange("01:00", "02:00"),)}, "2026-11-01T10:00:00", False),
    ],
)
def test_weekly_ranges_are_wall_clock_on_dst_change_days(
    weekly: dict[str, tuple[TimeRange, ...]], instant: str, inside: bool
) -> None:
    assert in_weekly_ranges(local_time(utc(instant), LA), weekly) is inside


# ---------------------------------------------------------------------------- date ranges

CHRISTMAS_LOCAL = DateRange(datetime(2026, 12, 24), datetime(2026, 12, 26))
CHRISTMAS_UTC = DateRange(utc("2026-12-24T00:00:00"), utc("2026-12-25T00:00:00"))
EMPTY = DateRange(datetime(2026, 12, 26), datetime(2026, 12, 24))
# 01:00..04:00 local on the spring-forward day is only two real hours.
SPRING_NIGHT = DateRange(datetime(2026, 3, 8, 1, 0), datetime(2026, 3, 8, 4, 0))
# 01:00..01:30 on the fall-back day: a naive time is its first (PDT) occurrence.
FALL_NIGHT = DateRange(datetime(2026, 11, 1, 1, 0), datetime(2026, 11, 1, 1, 30))
# 02:30 on the spring-forward day does not exist: it is read with the offset before the
# change (PST), i.e. 10:30Z, which is 03:30 PDT.
FROM_THE_GAP = DateRange(datetime(2026, 3, 8, 2, 30), datetime(2026, 3, 8, 5, 0))


@pytest.mark.parametrize(
    ("ranges", "at", "inside"),
    [
        # Naive ranges are local to the zone: 00:00 PST is 08:00Z.
        ((CHRISTMAS_LOCAL,), utc("2026-12-24T08:00:00"), True),
        ((CHRISTMAS_LOCAL,), utc("2026-12-24T07:59:59"), False),
        ((CHRISTMAS_LOCAL,), utc("2026-12-26T07:59:59"), True),
        ((CHRISTMAS_LOCAL,), utc("2026-12-26T08:00:00"), False),
        # Aware ranges are absolute.
        ((CHRISTMAS_UTC,), utc("2026-12-24T00:00:00"), True),
        ((CHRISTMAS_UTC,), datetime(2026, 12, 23, 20, 0, tzinfo=LA_ZONE), True),
        ((CHRISTMAS_UTC,), datetime(2026, 12, 23, 15, 59, tzinfo=LA_ZONE), False),
        ((CHRISTMAS_UTC,), utc("2026-12-25T00:00:00"), False),
        # A naive `at` is local too.
        ((CHRISTMAS_LOCAL,), datetime(2026, 12, 24, 0, 0), True),
        ((CHRISTMAS_UTC,), datetime(2026, 12, 23, 16, 0), True),
        # Several ranges: any one will do; an end not after the start is empty.
        ((EMPTY, CHRISTMAS_LOCAL), utc("2026-12-25T12:00:00"), True),
        ((EMPTY,), utc("2026-12-25T12:00:00"), False),
        ((), utc("2026-12-25T12:00:00"), False),
        # DST change days.
        ((SPRING_NIGHT,), utc("2026-03-08T09:00:00"), True),
        ((SPRING_NIGHT,), utc("2026-03-08T10:30:00"), True),
        ((SPRING_NIGHT,), utc("2026-03-08T11:00:00"), False),
        ((FALL_NIGHT,), utc("2026-11-01T08:15:00"), True),
        ((FALL_NIGHT,), utc("2026-11-01T09:15:00"), False),
        ((FROM_THE_GAP,), utc("2026-03-08T10:29:59"), False),
        ((FROM_THE_GAP,), utc("2026-03-08T10:30:00"), True),
    ],
)
def test_in_date_ranges(ranges: tuple[DateRange, ...], at: datetime, inside: bool) -> None:
    assert in_date_ranges(at, ranges, LA) is inside


# ---------------------------------------------------------------------------- business hours


@pytest.mark.parametrize(
    ("instant", "inside"),
    [
        ("2026-03-06T17:30:00", True),  # Friday 09:30 PST
        ("2026-03-06T16:30:00", False),  # Friday 08:30 PST
        ("2026-03-09T16:30:00", True),  # Monday 09:30 PDT (16:30Z was 08:30 the week before)
        ("2026-03-09T16:00:00", True),  # Monday 09:00 PDT
        ("2026-03-09T15:59:00", False),  # Monday 08:59 PDT
        ("2026-03-10T00:30:00", True),  # Monday 17:30 PDT
        ("2026-03-10T01:00:00", False),  # Monday 18:00 PDT
        ("2026-03-08T18:00:00", False),  # Sunday 11:00 PDT
        ("2026-10-30T16:30:00", True),  # Friday 09:30 PDT
        ("2026-11-02T16:30:00", False),  # Monday 08:30 PST
        ("2026-11-02T17:00:00", True),  # Monday 09:00 PST
        ("2026-11-03T01:59:00", True),  # Monday 17:59 PST
        ("2026-11-03T02:00:00", False),  # Monday 18:00 PST
    ],
)
def test_business_hours_are_read_in_the_extension_time_zone(instant: str, inside: bool) -> None:
    assert in_business_hours(utc(instant), LA, WEEKDAYS_9_TO_6) is inside


@pytest.mark.parametrize(
    "business_hours", [ALWAYS_OPEN, BusinessHours({"monday": (), "sunday": ()})]
)
@pytest.mark.parametrize(
    "instant", ["2026-03-08T10:00:00", "2026-03-09T03:00:00", "2026-11-01T09:30:00"]
)
def test_business_hours_without_ranges_are_always_open(
    business_hours: BusinessHours, instant: str
) -> None:
    assert in_business_hours(utc(instant), LA, business_hours)


def test_business_hours_depend_on_the_zone_given() -> None:
    # Monday 17:30Z is 09:30 in Los Angeles but 12:30 in New York and 17:30 in London.
    at = utc("2026-03-09T17:30:00")
    morning = BusinessHours({"monday": (TimeRange("09:00", "12:00"),)})
    assert in_business_hours(at, LA, morning)
    assert not in_business_hours(at, "America/New_York", morning)
    assert not in_business_hours(at, "Europe/London", morning)


# ---------------------------------------------------------------------------- schedules

MONDAY_MORNING = {"monday": (TimeRange("09:00", "12:00"),)}
MARCH = (DateRange(datetime(2026, 3, 1), datetime(2026, 4, 1)),)
APRIL = (DateRange(datetime(2026, 4, 1), datetime(2026, 5, 1)),)


@pytest.mark.parametrize(
    ("schedule", "business_hours", "instant", "matches"),
    [
        # ref BusinessHours / AfterHours: in / out of the extension's business hours.
        (Schedule(ref="BusinessHours"), WEEKDAYS_9_TO_6, "2026-03-09T17:00:00", True),
        (Schedule(ref="BusinessHours"), WEEKDAYS_9_TO_6, "2026-03-10T03:00:00", False),
        (Schedule(ref="AfterHours"), WEEKDAYS_9_TO_6, "2026-03-09T17:00:00", False),
        (Schedule(ref="AfterHours"), WEEKDAYS_9_TO_6, "2026-03-10T03:00:00", True),
        (Schedule(ref="AfterHours"), WEEKDAYS_9_TO_6, "2026-03-08T18:00:00", True),
        # 24/7 business hours: BusinessHours always, AfterHours never.
        (Schedule(ref="BusinessHours"), ALWAYS_OPEN, "2026-03-08T11:00:00", True),
        (Schedule(ref="AfterHours"), ALWAYS_OPEN, "2026-03-08T11:00:00", False),
        # Weekly ranges in local time.
        (Schedule(weekly_ranges=MONDAY_MORNING), ALWAYS_OPEN, "2026-03-09T17:00:00", True),
        (Schedule(weekly_ranges=MONDAY_MORNING), ALWAYS_OPEN, "2026-03-09T20:00:00", False),
        # Date ranges.
        (Schedule(ranges=MARCH), ALWAYS_OPEN, "2026-03-20T12:00:00", True),
        (Schedule(ranges=APRIL), ALWAYS_OPEN, "2026-03-20T12:00:00", False),
        # Every part given must hold.
        (
            Schedule(weekly_ranges=MONDAY_MORNING, ranges=MARCH),
            ALWAYS_OPEN,
            "2026-03-09T17:00:00",
            True,
        ),
        (
            Schedule(weekly_ranges=MONDAY_MORNING, ranges=APRIL),
            ALWAYS_OPEN,
            "2026-03-09T17:00:00",
            False,
        ),
        (Schedule(ranges=MARCH, ref="AfterHours"), WEEKDAYS_9_TO_6, "2026-03-09T17:00:00", False),
        (Schedule(ranges=MARCH, ref="AfterHours"), WEEKDAYS_9_TO_6, "2026-03-10T03:00:00", True),
        # Parts holding no range are not given; no part at all puts no condition on time.
        (Schedule(), WEEKDAYS_9_TO_6, "2026-03-10T03:00:00", True),
        (Schedule(weekly_ranges={}), WEEKDAYS_9_TO_6, "2026-03-10T03:00:00", True),
        (Schedule(weekly_ranges={"monday": ()}), WEEKDAYS_9_TO_6, "2026-03-10T03:00:00", True),
    ],
)
def test_schedule_matches(
    schedule: Schedule, business_hours: BusinessHours, instant: str, matches: bool
) -> None:
    assert schedule_matches(schedule, utc(instant), LA, business_hours) is matches
