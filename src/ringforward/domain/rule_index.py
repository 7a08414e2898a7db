"""An index of an extension's custom rules, so a decision does not try every rule.

Each enabled custom rule is filed under the one condition that narrows it most:

- a rule that lists callers, under each caller (comparable form);
- else a rule that lists called numbers, under each called number;
- else a rule with weekly ranges, under each weekday those ranges touch (a range that
  crosses midnight touches the next day too);
- else a rule with date ranges, with the earliest start and latest end of its ranges;
- else a rule with only ``ref``, under business hours or after hours.

A call gathers the rules filed under its caller, its called number, its weekday, the date
ranges that can hold its instant and its side of business hours. Every rule that can
match is among them (each condition a rule gives must hold for it to match), so checking
only those, in creation order, with the full check gives the same answer as trying every
rule. Rules that give no condition never match and are not filed at all.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from ringforward.domain.model import WEEKDAYS, AnsweringRule, DateRange
from ringforward.domain.schedule import (
    Moment,
    date_range_bounds,
    has_weekly_ranges,
    schedule_is_given,
    weekly_range_days,
)

__all__ = ["RuleIndex", "rule_index"]

Comparable = Callable[[str, str], str]


@dataclass
class RuleIndex:
    """Custom rules in the order they are tried, and where each is filed."""

    ordered: tuple[AnsweringRule, ...]
    by_caller: dict[str, list[int]] = field(default_factory=dict)
    by_called: dict[str, list[int]] = field(default_factory=dict)
    # Per weekday, (position, earliest start, latest end) with the bounds of the rule's date
    # ranges when it gives both (None when it gives none), so a past holiday on a Sunday
    # is not tried every Sunday.
    by_weekday: tuple[list[tuple[int, datetime | None, datetime | None]], ...] = field(
        default_factory=lambda: tuple([] for _ in WEEKDAYS)
    )
    # (position in ``ordered``, earliest start, latest end) of rules filed by date ranges.
    by_dates: list[tuple[int, datetime, datetime]] = field(default_factory=list)
    by_ref: dict[bool, list[int]] = field(default_factory=lambda: {True: [], False: []})

    def candidates(self, caller: str | None, called: str | None, moment: Moment) -> list[int]:
        """Positions in ``ordered`` of every rule that can match, in the order to try them."""
        found: list[int] = []
        if caller is not None:
            found += self.by_caller.get(caller, ())
        if called is not None:
            found += self.by_called.get(called, ())
        instant = moment.instant
        found += [
            rank
            for rank, start, end in self.by_weekday[moment.local.weekday()]
            if start is None or end is None or start <= instant < end
        ]
        found += [rank for rank, start, end in self.by_dates if start <= instant < end]
        found += self.by_ref[moment.in_business_hours]
        # A rule is filed under one kind of condition only, and a call looks up one key of
        # each kind, so no rule appears twice.
        found.sort()
        return found


def _date_span(
    ranges: Sequence[DateRange], tz_name: str
) -> tuple[datetime | None, datetime | None]:
    """Earliest start and latest end of ``ranges``; (None, None) when there are none."""
    if not ranges:
        return None, None
    bounds = [date_range_bounds(date_range, tz_name) for date_range in ranges]
    return min(lower for lower, _ in bounds), max(upper for _, upper in bounds)


def build_rule_index(
    rules: Sequence[AnsweringRule], tz_name: str, region: str, comparable: Comparable
) -> RuleIndex:
    ordered = tuple(
        sorted(
            (rule for rule in rules if rule.is_custom and rule.enabled),
            key=lambda rule: rule.position,
        )
    )
    index = RuleIndex(ordered)
    for rank, rule in enumerate(ordered):
        schedule = rule.schedule
        if rule.callers:
            for key in {comparable(entry.caller_id, region) for entry in rule.callers}:
                index.by_caller.setdefault(key, []).append(rank)
        elif rule.called_numbers:
            for key in {comparable(number, region) for number in rule.called_numbers}:
                index.by_called.setdefault(key, []).append(rank)
        elif schedule is None or not schedule_is_given(schedule):
            continue  # no condition: never matches
        elif has_weekly_ranges(schedule.weekly_ranges):
            assert schedule.weekly_ranges is not None
            start, end = _date_span(schedule.ranges, tz_name)
            for day in weekly_range_days(schedule.weekly_ranges):
                index.by_weekday[day].append((rank, start, end))
        elif schedule.ranges:
            start, end = _date_span(schedule.ranges, tz_name)
            assert start is not None and end is not None
            index.by_dates.append((rank, start, end))
        elif schedule.ref is not None:
            index.by_ref[schedule.ref == "BusinessHours"].append(rank)
    return index


# Built once per list of rules and reused while the same list is asked again (the engine is
# called many times with one loaded extension). The entry keeps the list itself, so its id
# cannot be reused by another list while the entry lives.
_CACHE_SIZE = 1024
_cache: OrderedDict[tuple[int, str, str], tuple[Sequence[AnsweringRule], RuleIndex]] = OrderedDict()


def rule_index(
    rules: Sequence[AnsweringRule], tz_name: str, region: str, comparable: Comparable
) -> RuleIndex:
    """The index of ``rules`` for calls judged in ``tz_name`` from ``region``."""
    if not isinstance(rules, tuple):
        # Only an immutable list can be remembered by identity.
        return build_rule_index(rules, tz_name, region, comparable)
    key = (id(rules), tz_name, region)
    entry = _cache.get(key)
    if entry is not None and entry[0] is rules:
        _cache.move_to_end(key)
        return entry[1]
    index = build_rule_index(rules, tz_name, region, comparable)
    _cache[key] = (rules, index)
    if len(_cache) > _CACHE_SIZE:
        _cache.popitem(last=False)
    return index
