"""The indexed rule choice equals trying every custom rule in order.

The engine files custom rules by caller, called number, weekday, date span and side of
business hours (``ringforward.domain.rule_index``). These tests check that the rule it
picks is always the one a plain scan picks: the first enabled custom rule by position whose
conditions hold (the engine's own per-rule check and the independent oracle of
test_callflow_properties), else the business-hours or after-hours rule.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from hypothesis import event, given
from hypothesis import strategies as st

from ringforward.domain.callflow import (
    Call,
    ExtensionCallHandling,
    custom_rule_matches,
    select_rule,
)
from ringforward.domain.model import (
    AnsweringRule,
    BusinessHours,
    Caller,
    DateRange,
    Extension,
    Schedule,
    TimeRange,
)
from ringforward.domain.schedule import in_business_hours
from tests.unit.test_callflow_properties import (
    CALLERS,
    PHONES,
    ZONES,
    calls,
    numbers_of,
    oracle_matches,
    schedules,
    weekly_ranges,
)

EXT = "e0"


def scan_select(handling: ExtensionCallHandling, call: Call) -> AnsweringRule:
    """The reference: every enabled custom rule in position order, then the standard rules."""
    customs = sorted(
        (rule for rule in handling.rules if rule.is_custom and rule.enabled),
        key=lambda rule: rule.position,
    )
    for rule in customs:
        if custom_rule_matches(rule, handling, call, region="US"):
            return rule
    inside = in_business_hours(call.at, handling.time_zone, handling.business_hours)
    wanted = "BusinessHours" if inside else "AfterHours"
    return next(rule for rule in handling.rules if rule.type == wanted)


@st.composite
def custom_rules(draw: st.DrawFn, index: int) -> AnsweringRule:
    """A custom rule with any mix of conditions; schedules are common so all buckets fill."""
    callers = draw(st.lists(st.sampled_from(CALLERS), max_size=2))
    return AnsweringRule(
        f"c{index}",
        EXT,
        "Custom",
        f"c{index}",
        enabled=draw(st.booleans()) or draw(st.booleans()),
        callers=tuple(Caller(caller) for caller in callers),
        called_numbers=tuple(draw(st.lists(st.sampled_from(PHONES[:2]), max_size=2))),
        schedule=draw(st.none() | schedules | schedules),
        position=draw(st.integers(1, 40)),
    )


@st.composite
def handlings(draw: st.DrawFn) -> ExtensionCallHandling:
    count = draw(st.integers(0, 30))
    customs = [draw(custom_rules(i)) for i in range(count)]
    standard = [
        AnsweringRule("business-hours-rule", EXT, "BusinessHours", "Work Hours"),
        AnsweringRule("after-hours-rule", EXT, "AfterHours", "After Hours"),
    ]
    extension = Extension(EXT, "acc", EXT, EXT, "e0@example.com", False)
    return ExtensionCallHandling(
        extension,
        draw(st.sampled_from(ZONES)),
        BusinessHours(draw(weekly_ranges)),
        tuple(draw(st.permutations([*standard, *customs]))),
        numbers_of(EXT),
    )


@given(handlings(), st.lists(calls, min_size=1, max_size=8))
def test_indexed_choice_equals_the_scan(
    handling: ExtensionCallHandling, many_calls: list[Call]
) -> None:
    # Several calls against one extension: the index is built once and reused.
    for call in many_calls:
        chosen = select_rule(handling, call)
        expected = scan_select(handling, call)
        event("custom rule" if expected.is_custom else "standard rule")
        assert chosen is expected
        if chosen.is_custom:
            assert oracle_matches(chosen, handling, call)


def _handling(*customs: AnsweringRule, zone: str = "UTC") -> ExtensionCallHandling:
    standard = (
        AnsweringRule("business-hours-rule", EXT, "BusinessHours", "Work Hours"),
        AnsweringRule("after-hours-rule", EXT, "AfterHours", "After Hours"),
    )
    extension = Extension(EXT, "acc", EXT, EXT, "e0@example.com", False)
    return ExtensionCallHandling(
        extension, zone, BusinessHours({}), (*standard, *customs), numbers_of(EXT)
    )


def test_a_weekly_range_crossing_midnight_is_found_the_next_morning() -> None:
    night = Schedule(weekly_ranges={"sunday": (TimeRange("22:00", "02:00"),)})
    rule = AnsweringRule("night", EXT, "Custom", "Night", schedule=night, position=1)
    handling = _handling(rule)
    monday_1am = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    monday_3am = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
    assert select_rule(handling, Call(monday_1am)) is rule
    assert select_rule(handling, Call(monday_3am)).type == "BusinessHours"


def test_a_caller_written_nationally_finds_the_rule_listing_it_in_e164() -> None:
    rule = AnsweringRule("vip", EXT, "Custom", "VIP", callers=(Caller("+16505550101"),), position=1)
    handling = _handling(rule)
    at = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    assert select_rule(handling, Call(at, caller="(650) 555-0101")) is rule
    assert select_rule(handling, Call(at, caller="+16505550102")).type == "BusinessHours"


def test_a_weekly_rule_with_a_date_range_holds_only_inside_the_dates() -> None:
    schedule = Schedule(
        weekly_ranges={"monday": (TimeRange("00:00", "24:00"),)},
        ranges=(DateRange(datetime(2026, 3, 1), datetime(2026, 3, 8)),),
    )
    rule = AnsweringRule("week", EXT, "Custom", "Week", schedule=schedule, position=1)
    handling = _handling(rule, zone="America/New_York")
    assert select_rule(handling, Call(datetime(2026, 3, 2, 12, 0))) is rule
    assert select_rule(handling, Call(datetime(2026, 3, 9, 12, 0))).type == "BusinessHours"


def test_changed_rules_are_seen_at_once() -> None:
    # A new tuple of rules (after an edit) must not be answered from an older index.
    rule = AnsweringRule("r", EXT, "Custom", "R", callers=(Caller("+16505550101"),), position=1)
    handling = _handling(rule)
    call = Call(datetime(2026, 3, 2, 12, 0, tzinfo=UTC), caller="+16505550101")
    assert select_rule(handling, call) is rule
    disabled = replace(handling, rules=(*handling.rules[:2], replace(rule, enabled=False)))
    assert select_rule(disabled, call).type == "BusinessHours"
