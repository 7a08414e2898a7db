"""Which answering rule takes a call: custom rule conditions, order, business hours, zones."""

from __future__ import annotations

from datetime import datetime

import pytest

from ringforward.domain.callflow import (
    Call,
    extension_time_zone,
    select_rule,
    simulate,
)
from ringforward.domain.errors import NotFoundError
from ringforward.domain.model import (
    Account,
    AnsweringRule,
    BusinessHours,
    Caller,
    DateRange,
    Extension,
    Schedule,
    TimeRange,
)
from tests.unit.callflow_builders import (
    AH,
    BH,
    EXT_ID,
    LA,
    MON_FRI_9_18,
    custom,
    handling,
    la,
    utc,
)

VIP = "+14155550199"
OTHER = "+14155550198"


# Named custom rules, so each table row fits on one line.
VIP_RULE = custom("vip", callers=(Caller(VIP),))
NATIONAL_VIP_RULE = custom("vip", callers=(Caller("415-555-0199"),))
TWO_CALLERS_RULE = custom("vip", callers=(Caller(OTHER), Caller(VIP)))
LINES_RULE = custom("lines", called_numbers=("+16505550000", "+16505550001"))
MORNING_RULE = custom(
    "morning", schedule=Schedule(weekly_ranges={"monday": (TimeRange("09:00", "12:00"),)})
)
XMAS = (DateRange(datetime(2026, 12, 24), datetime(2026, 12, 26)),)
XMAS_RULE = custom("xmas", schedule=Schedule(ranges=XMAS))
AFTER_REF_RULE = custom("after", schedule=Schedule(ref="AfterHours"))
OPEN_REF_RULE = custom("open", schedule=Schedule(ref="BusinessHours"))
VIP_AT_NIGHT = custom("both", callers=(Caller(VIP),), schedule=Schedule(ref="AfterHours"))
VIP_ON_MAIN = custom("both", callers=(Caller(VIP),), called_numbers=("+16505550000",))
OFF_VIP = custom("off", callers=(Caller(VIP),), enabled=False)
VIP_2 = custom("second", 2, callers=(Caller(VIP),))
VIP_1 = custom("first", 1, callers=(Caller(VIP),))
OTHER_1 = custom("other", 1, callers=(Caller(OTHER),))
OPEN_2 = custom("open", 2, schedule=Schedule(ref="BusinessHours"))
NO_CONDITION = custom("none")
EMPTY_SCHEDULE = custom("none", schedule=Schedule())
EMPTY_WEEK = custom("none", schedule=Schedule(weekly_ranges={"monday": ()}))
MON = "2026-03-09T10:00"
MON_NIGHT = "2026-03-09T20:00"

# fmt: off
WHICH_RULE = [
    # Outside any custom rule: business-hours-rule inside business hours, after-hours outside.
    ((), MON, None, None, BH),
    ((), "2026-03-09T08:59", None, None, AH),
    ((), "2026-03-09T18:00", None, None, AH),
    ((), "2026-03-08T12:00", None, None, AH),
    # Caller number equal after normalisation.
    ((VIP_RULE,), MON, VIP, None, "vip"),
    ((VIP_RULE,), MON, "(415) 555-0199", None, "vip"),
    ((VIP_RULE,), MON, "1 415.555.0199", None, "vip"),
    ((NATIONAL_VIP_RULE,), MON, VIP, None, "vip"),
    ((VIP_RULE,), MON, OTHER, None, BH),
    ((VIP_RULE,), MON, None, None, BH),
    ((VIP_RULE,), MON, "Anonymous", None, BH),
    ((TWO_CALLERS_RULE,), MON, VIP, None, "vip"),
    # Called number in the list.
    ((LINES_RULE,), MON_NIGHT, None, "650-555-0001", "lines"),
    ((LINES_RULE,), MON_NIGHT, None, "+16505550000", "lines"),
    ((LINES_RULE,), MON_NIGHT, None, "+16505550002", AH),
    ((LINES_RULE,), MON_NIGHT, None, None, AH),
    # Time in a weekly range, in a date range, in / out of business hours (ref).
    ((MORNING_RULE,), "2026-03-09T11:00", None, None, "morning"),
    ((MORNING_RULE,), "2026-03-09T13:00", None, None, BH),
    ((MORNING_RULE,), "2026-03-10T11:00", None, None, BH),
    ((XMAS_RULE,), "2026-12-24T10:00", None, None, "xmas"),
    ((XMAS_RULE,), "2026-12-25T22:00", None, None, "xmas"),
    ((XMAS_RULE,), "2026-12-23T10:00", None, None, BH),
    ((AFTER_REF_RULE,), MON_NIGHT, None, None, "after"),
    ((AFTER_REF_RULE,), MON, None, None, BH),
    ((OPEN_REF_RULE,), MON, None, None, "open"),
    ((OPEN_REF_RULE,), MON_NIGHT, None, None, AH),
    # The first rule whose every given condition holds.
    ((VIP_AT_NIGHT,), MON_NIGHT, VIP, None, "both"),
    ((VIP_AT_NIGHT,), MON, VIP, None, BH),
    ((VIP_AT_NIGHT,), MON_NIGHT, OTHER, None, AH),
    ((VIP_ON_MAIN,), MON, VIP, "+16505550000", "both"),
    ((VIP_ON_MAIN,), MON, VIP, "+16505550001", BH),
    ((VIP_ON_MAIN,), MON, OTHER, "+16505550000", BH),
    # Disabled custom rules are never tried.
    ((OFF_VIP,), MON, VIP, None, BH),
    ((OFF_VIP, VIP_2), MON, VIP, None, "second"),
    # Creation order (position) decides, not the order the rules are handed over in.
    ((VIP_2, VIP_1), MON, VIP, None, "first"),
    ((VIP_1, VIP_2), MON, VIP, None, "first"),
    ((OTHER_1, OPEN_2), MON, VIP, None, "open"),
    ((OTHER_1, OPEN_2), MON, OTHER, None, "other"),
    # A custom rule without any condition is not a valid rule: it never matches.
    ((NO_CONDITION,), MON, VIP, None, BH),
    ((EMPTY_SCHEDULE,), MON, VIP, None, BH),
    ((EMPTY_WEEK,), MON_NIGHT, VIP, None, AH),
]
# fmt: on


@pytest.mark.parametrize(("customs", "local", "caller", "called", "expected"), WHICH_RULE)
def test_which_rule_answers(
    customs: tuple[AnsweringRule, ...],
    local: str,
    caller: str | None,
    called: str | None,
    expected: str,
) -> None:
    call = Call(la(local), caller=caller, called=called)
    assert select_rule(handling(*customs), call).id == expected


def test_rules_with_the_same_position_keep_the_order_they_are_given_in() -> None:
    twin_a = custom("a", 1, callers=(Caller(VIP),))
    twin_b = custom("b", 1, callers=(Caller(VIP),))
    assert select_rule(handling(twin_a, twin_b), Call(la(MON), caller=VIP)).id == "a"
    assert select_rule(handling(twin_b, twin_a), Call(la(MON), caller=VIP)).id == "b"


@pytest.mark.parametrize(
    ("instant", "business_hours", "expected"),
    [
        # Business hours with no ranges mean 24/7: after-hours-rule never applies.
        ("2026-03-08T03:00:00", BusinessHours(), BH),
        ("2026-03-10T07:00:00", BusinessHours(), BH),
        ("2026-03-10T07:00:00", BusinessHours({"monday": ()}), BH),
        ("2026-03-10T07:00:00", MON_FRI_9_18, AH),
    ],
)
def test_business_hours_without_ranges_mean_after_hours_rule_never_applies(
    instant: str, business_hours: BusinessHours, expected: str
) -> None:
    assert select_rule(handling(business_hours=business_hours), Call(utc(instant))).id == expected


@pytest.mark.parametrize(
    ("instant", "time_zone", "expected"),
    [
        # Monday 22:30Z is 15:30 PDT in Los Angeles but 18:30 EDT in New York.
        ("2026-03-09T16:30:00", LA, BH),
        ("2026-03-09T22:30:00", LA, BH),
        ("2026-03-09T22:30:00", "America/New_York", AH),
        # The Friday before the spring change 16:30Z is 08:30 PST: still closed.
        ("2026-03-06T16:30:00", LA, AH),
        ("2026-03-06T17:30:00", LA, BH),
        # The Monday after the autumn change 16:30Z is 08:30 PST again.
        ("2026-10-30T16:30:00", LA, BH),
        ("2026-11-02T16:30:00", LA, AH),
        ("2026-11-02T17:00:00", LA, BH),
    ],
)
def test_times_are_read_in_the_extension_time_zone_across_dst(
    instant: str, time_zone: str, expected: str
) -> None:
    assert select_rule(handling(time_zone=time_zone), Call(utc(instant))).id == expected


@pytest.mark.parametrize(
    ("sunday_range", "instant", "expected"),
    [
        # 2026-03-08 02:00..03:00 never happens in Los Angeles.
        (TimeRange("02:00", "03:00"), "2026-03-08T09:59:00", AH),
        (TimeRange("02:00", "03:00"), "2026-03-08T10:00:00", AH),
        (TimeRange("01:00", "03:00"), "2026-03-08T09:59:00", "night"),
        # 2026-11-01 01:00..02:00 happens twice: the rule holds both times.
        (TimeRange("01:00", "02:00"), "2026-11-01T08:30:00", "night"),
        (TimeRange("01:00", "02:00"), "2026-11-01T09:30:00", "night"),
        (TimeRange("01:00", "02:00"), "2026-11-01T10:00:00", AH),
    ],
)
def test_custom_weekly_rule_on_dst_change_days(
    sunday_range: TimeRange, instant: str, expected: str
) -> None:
    night = custom("night", schedule=Schedule(weekly_ranges={"sunday": (sunday_range,)}))
    assert select_rule(handling(night), Call(utc(instant))).id == expected


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        ("2026-03-13T23:30", "overnight"),  # Friday night
        ("2026-03-14T05:00", "overnight"),  # Saturday morning, same range
        ("2026-03-14T06:00", AH),
        ("2026-03-13T21:59", AH),
        ("2026-03-13T17:00", BH),
    ],
)
def test_custom_rule_with_a_range_crossing_midnight(local: str, expected: str) -> None:
    weekly = {"friday": (TimeRange("22:00", "06:00"),)}
    overnight = custom("overnight", schedule=Schedule(weekly_ranges=weekly))
    assert select_rule(handling(overnight), Call(la(local))).id == expected


def test_a_weekday_with_several_business_hour_ranges() -> None:
    split = BusinessHours({"monday": (TimeRange("08:00", "12:00"), TimeRange("14:00", "20:00"))})
    h = handling(business_hours=split)
    expected = {"07:59": AH, "08:00": BH, "11:59": BH, "12:00": AH, "14:00": BH, "19:59": BH}
    for hhmm, rule_id in expected.items():
        assert select_rule(h, Call(la(f"2026-03-09T{hhmm}"))).id == rule_id


def test_a_naive_call_time_is_read_in_the_extension_time_zone() -> None:
    h = handling()
    assert select_rule(h, Call(datetime(2026, 3, 9, 10, 0))).id == BH
    assert select_rule(h, Call(datetime(2026, 3, 9, 20, 0))).id == AH
    flow = simulate(h, Call(datetime(2026, 3, 9, 10, 0)), load_extension=lambda _: None)
    assert flow.local_time == la(MON)


@pytest.mark.parametrize(("own_zone", "expected"), [(None, LA), ("Europe/Paris", "Europe/Paris")])
def test_extension_time_zone_falls_back_to_the_account(own_zone: str | None, expected: str) -> None:
    account = Account("11111111", "Demo Company", "+16505550000", LA)
    ext = Extension(EXT_ID, "11111111", "101", "Demo Admin", "a@example.com", True, own_zone)
    assert extension_time_zone(ext, account) == expected


def test_business_and_after_hours_rules_apply_even_when_marked_disabled() -> None:
    standard = (
        AnsweringRule(BH, EXT_ID, "BusinessHours", "Work Hours", enabled=False),
        AnsweringRule(AH, EXT_ID, "AfterHours", "After Hours", enabled=False),
    )
    h = handling(standard=standard)
    assert select_rule(h, Call(la(MON))).id == BH
    assert select_rule(h, Call(la(MON_NIGHT))).id == AH


def test_a_missing_standard_rule_is_not_found() -> None:
    h = handling(standard=(AnsweringRule(BH, EXT_ID, "BusinessHours", "Work Hours"),))
    assert select_rule(h, Call(la(MON))).id == BH
    with pytest.raises(NotFoundError):
        select_rule(h, Call(la(MON_NIGHT)))
