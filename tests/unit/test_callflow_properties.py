"""Property-based tests: for any rules, lists and settings the call flow stays well formed.

What is proved, for every generated world of up to four extensions (random business hours,
custom rules with caller / called-number / weekly / date-range / ref conditions, enabled or
not, in any position; forwarding lists with missing ids, desk phones, repeated numbers, any
ring counts and soft-phone settings; any answering action including transfers that may
loop) and any call instant in 2026 with any caller and called number:

1. every step has whole seconds ``0 <= start < end``, both multiples of one ring (5 s);
2. steps are ordered by start, then group (the apps, group null, first);
3. for each ring target ("apps", a number, a desk phone) the steps ringing it never overlap;
4. there is exactly one final action, of the five contract names, and its ``at`` equals the
   end of the last step (0 with no steps): it is >= every step's end and never later;
5. no silent gap: the steps together cover ``[0, then.at)`` without a hole;
6. every ``ring`` entry is "apps" or an E.164 number;
7. the rule chosen is the first enabled custom rule (by position) whose conditions hold,
   else business-hours-rule inside business hours and after-hours-rule outside;
8. transfers end: the chain visits each extension at most once, a loop is reported exactly
   when the call would come back to an extension already in the chain, and all steps
   belong to the extension the call ended at;
9. the flow depends on the instant only, not on the zone ``at`` is written in.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import event, given
from hypothesis import strategies as st

from ringforward.domain.callflow import (
    Call,
    ExtensionCallHandling,
    call_flow_to_json,
    custom_rule_matches,
    select_rule,
    simulate,
)
from ringforward.domain.model import (
    SECONDS_PER_RING,
    WEEKDAYS,
    AnsweringRule,
    BusinessHours,
    Caller,
    DateRange,
    Extension,
    ForwardingGroup,
    ForwardingNumber,
    ForwardingSettings,
    MissedCall,
    Schedule,
    TimeRange,
    UnconditionalForwarding,
    Voicemail,
)
from ringforward.domain.phone import same_phone_number
from ringforward.domain.schedule import in_business_hours, schedule_matches

E164 = re.compile(r"\+[1-9][0-9]{1,14}")
FINAL_ACTIONS = {"Voicemail", "Disconnect", "Announcement", "Forward", "Transfer"}
EXTENSION_IDS = ["e0", "e1", "e2", "e3"]
ZONES = ["America/Los_Angeles", "America/New_York", "Europe/Paris", "Asia/Kolkata", "UTC"]
PHONES = ["+16505550101", "+16505550102", "+14155550199", "+442071838750"]
# Number ids: four phones, one stored in national form, one repeating n0's phone,
# one desk phone, and "gone" which names no forwarding number at all.
NUMBER_IDS = ["n0", "n1", "n2", "n3", "n4", "n5", "n6", "gone"]
CALLERS = [PHONES[0], PHONES[2], "(650) 555-0101", "Anonymous"]


def numbers_of(ext_id: str) -> dict[str, ForwardingNumber]:
    numbers = {
        f"n{i}": ForwardingNumber(f"n{i}", ext_id, phone, f"N{i}") for i, phone in enumerate(PHONES)
    }
    numbers["n4"] = ForwardingNumber("n4", ext_id, "650-555-0199", "National")
    numbers["n5"] = ForwardingNumber("n5", ext_id, PHONES[0], "Same as n0")
    numbers["n6"] = ForwardingNumber("n6", ext_id, None, "Desk", type="PhoneLine", device_id="d6")
    return numbers


hhmm = st.builds("{:02d}:{:02d}".format, st.integers(0, 24), st.sampled_from([0, 15, 30, 59])).map(
    lambda text: "24:00" if text.startswith("24") else text
)
time_ranges = st.builds(TimeRange, hhmm, hhmm)
weekly_ranges = st.dictionaries(
    st.sampled_from(WEEKDAYS), st.lists(time_ranges, max_size=3).map(tuple), max_size=7
)
instants = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31, 23, 59))
date_ranges = st.builds(
    DateRange,
    instants | instants.map(lambda at: at.replace(tzinfo=UTC)),
    instants | instants.map(lambda at: at.replace(tzinfo=UTC)),
)
schedules = st.builds(
    Schedule,
    weekly_ranges=st.none() | weekly_ranges,
    ranges=st.lists(date_ranges, max_size=2).map(tuple),
    ref=st.sampled_from([None, "BusinessHours", "AfterHours"]),
)
groups = st.builds(
    ForwardingGroup,
    index=st.integers(1, 6),
    ring_count=st.integers(0, 15),
    number_ids=st.lists(st.sampled_from(NUMBER_IDS), max_size=4).map(tuple),
)
forwarding = st.builds(
    ForwardingSettings,
    notify_my_soft_phones=st.booleans(),
    soft_phones_ring_count=st.integers(-1, 6),
    soft_phones_always_ring=st.booleans(),
    soft_phones_position_top=st.booleans(),
    ringing_mode=st.sampled_from(["Sequentially", "Simultaneously"]),
    groups=st.lists(groups, max_size=4).map(tuple),
)
missed_calls = st.none() | st.builds(
    MissedCall,
    action_type=st.sampled_from(
        ["PlayGreetingAndDisconnect", "ConnectToExtension", "ConnectToExternalNumber"]
    ),
    extension_id=st.none() | st.sampled_from(EXTENSION_IDS),
    external_number=st.none() | st.sampled_from(PHONES),
)
ACTIONS = [
    *["ForwardCalls"] * 4,
    *["TransferToExtension"] * 2,
    "UnconditionalForwarding",
    "TakeMessagesOnly",
    "PlayAnnouncementOnly",
    "AgentQueue",
]
# Forwarding-heavy worlds, so most flows have ring steps to check.
FORWARD_ACTIONS = ["ForwardCalls"] * 8 + ACTIONS
# Transfer-heavy worlds, so chains of several hops and loops are common.
TRANSFER_ACTIONS = ["TransferToExtension"] * 6 + ACTIONS


@st.composite
def rules(
    draw: st.DrawFn,
    ext_id: str,
    rule_id: str,
    rule_type: str,
    position: int,
    actions: list[str],
) -> AnsweringRule:
    """A rule; only the parts its action reads are drawn, which keeps generation quick."""
    rule = AnsweringRule(rule_id, ext_id, rule_type, rule_id, position=position)
    if rule_type == "Custom":
        callers = draw(st.lists(st.sampled_from(CALLERS), max_size=2))
        rule = replace(
            rule,
            enabled=draw(st.booleans()),
            callers=tuple(Caller(caller) for caller in callers),
            called_numbers=tuple(draw(st.lists(st.sampled_from(PHONES[:2]), max_size=1))),
            schedule=draw(st.one_of(st.none(), st.none(), schedules)),
        )
    action = draw(st.sampled_from(actions))
    rule = replace(rule, call_handling_action=action)
    if action == "ForwardCalls":
        voicemail = Voicemail(enabled=draw(st.booleans()))
        rule = replace(rule, forwarding=draw(forwarding), voicemail=voicemail)
        if not voicemail.enabled:
            rule = replace(rule, missed_call=draw(missed_calls))
    elif action == "UnconditionalForwarding":
        target = draw(st.none() | st.builds(UnconditionalForwarding, st.sampled_from(PHONES)))
        rule = replace(rule, unconditional_forwarding=target)
    elif action == "TransferToExtension":
        target_id = draw(st.sampled_from([*EXTENSION_IDS, *EXTENSION_IDS, None, "missing"]))
        rule = replace(rule, transfer_extension_id=target_id)
    return rule


@st.composite
def extensions(draw: st.DrawFn, ext_id: str, actions: list[str]) -> ExtensionCallHandling:
    positions = draw(st.lists(st.integers(1, 9), max_size=4))
    customs = [
        draw(rules(ext_id, f"{ext_id}-c{i}", "Custom", position, actions))
        for i, position in enumerate(positions)
    ]
    standard = [
        draw(rules(ext_id, "business-hours-rule", "BusinessHours", 0, actions)),
        draw(rules(ext_id, "after-hours-rule", "AfterHours", 0, actions)),
    ]
    all_rules = draw(st.permutations([*standard, *customs]))
    extension = Extension(ext_id, "acc", ext_id, ext_id, f"{ext_id}@example.com", False)
    business_hours = BusinessHours(draw(weekly_ranges))
    zone = draw(st.sampled_from(ZONES))
    return ExtensionCallHandling(
        extension, zone, business_hours, tuple(all_rules), numbers_of(ext_id)
    )


class World:
    """Extensions drawn the first time a transfer reaches them, then kept."""

    def __init__(self, data: st.DataObject, actions: list[str] = ACTIONS) -> None:
        self.data = data
        self.actions = actions
        self.known: dict[str, ExtensionCallHandling] = {}

    def load(self, ext_id: str) -> ExtensionCallHandling | None:
        if ext_id not in EXTENSION_IDS:
            return None
        if ext_id not in self.known:
            self.known[ext_id] = self.data.draw(extensions(ext_id, self.actions), label=ext_id)
        return self.known[ext_id]

    @property
    def first(self) -> ExtensionCallHandling:
        handling = self.load("e0")
        assert handling is not None
        return handling


calls = st.builds(
    Call,
    at=instants.map(lambda at: at.replace(tzinfo=UTC)),
    caller=st.none() | st.sampled_from(CALLERS),
    called=st.none() | st.sampled_from(PHONES[:2]),
)


def run(world: World, call: Call) -> dict[str, Any]:
    return call_flow_to_json(simulate(world.first, call, load_extension=world.load))


def ring_targets(step: dict[str, Any]) -> list[str]:
    return [*step["ring"], *(f"device:{device['id']}" for device in step["devices"])]


@given(st.data(), calls)
def test_timeline_is_well_formed(data: st.DataObject, call: Call) -> None:
    document = run(World(data, FORWARD_ACTIONS), call)
    steps = document["steps"]
    then = document["then"]
    event(f"final action {then['action']}, {'with' if steps else 'no'} steps")

    # 1. whole seconds, non-empty, on ring boundaries
    for step in steps:
        assert isinstance(step["start"], int) and isinstance(step["end"], int)
        assert 0 <= step["start"] < step["end"]
        assert step["start"] % SECONDS_PER_RING == 0 and step["end"] % SECONDS_PER_RING == 0
    # 2. ordered by start, then group with the apps first
    keys = [(s["start"], s["group"] is not None, s["group"] or 0) for s in steps]
    assert keys == sorted(keys)
    # 3. one target never rings twice at the same moment
    intervals: dict[str, list[tuple[int, int]]] = {}
    for step in steps:
        for target in ring_targets(step):
            intervals.setdefault(target, []).append((step["start"], step["end"]))
    for spans in intervals.values():
        spans.sort()
        for (_, end), (next_start, _) in pairwise(spans):
            assert end <= next_start
    # 4. exactly one final action, right when the last ring stops
    assert isinstance(then, dict) and then["action"] in FINAL_ACTIONS
    assert then["at"] == max((s["end"] for s in steps), default=0)
    assert all(then["at"] >= s["end"] for s in steps)
    # 5. no silent gap before the final action
    covered = 0
    for start, end in sorted((s["start"], s["end"]) for s in steps):
        assert start <= covered
        covered = max(covered, end)
    assert covered == then["at"]
    # 6. ring targets are the apps or E.164 numbers
    for step in steps:
        for target in step["ring"]:
            assert target == "apps" or E164.fullmatch(target)


def oracle_matches(rule: AnsweringRule, handling: ExtensionCallHandling, call: Call) -> bool:
    """The behaviour page's sentence, written independently of the engine's shortcuts."""
    conditions: list[bool] = []
    if rule.callers:
        conditions.append(
            call.caller is not None
            and any(same_phone_number(c.caller_id, call.caller) for c in rule.callers)
        )
    if rule.called_numbers:
        conditions.append(
            call.called is not None
            and any(same_phone_number(n, call.called) for n in rule.called_numbers)
        )
    schedule = rule.schedule
    if schedule is not None and (
        any((schedule.weekly_ranges or {}).get(day) for day in WEEKDAYS)
        or schedule.ranges
        or schedule.ref
    ):
        conditions.append(
            schedule_matches(schedule, call.at, handling.time_zone, handling.business_hours)
        )
    return bool(conditions) and all(conditions)


@given(st.data(), calls)
def test_rule_choice_is_the_first_matching_custom_rule_else_business_hours(
    data: st.DataObject, call: Call
) -> None:
    world = World(data)
    handling = world.first
    chosen = select_rule(handling, call)
    customs = sorted(
        (r for r in handling.rules if r.is_custom and r.enabled), key=lambda r: r.position
    )
    matching = [r for r in customs if oracle_matches(r, handling, call)]
    assert all(custom_rule_matches(r, handling, call, region="US") for r in matching)
    event("custom rule" if matching else "business / after hours")
    if matching:
        assert chosen is matching[0]
    else:
        inside = in_business_hours(call.at, handling.time_zone, handling.business_hours)
        assert chosen.type == ("BusinessHours" if inside else "AfterHours")
    assert (
        call_flow_to_json(simulate(handling, call, load_extension=world.load))["rule"]["id"]
        == chosen.id
    )


@given(st.data(), calls)
def test_transfers_end_and_loops_are_reported(data: st.DataObject, call: Call) -> None:
    world = World(data, TRANSFER_ACTIONS)
    document = run(world, call)
    chain = ["e0", *(hop["extension"] for hop in document["transfers"])]
    assert len(chain) == len(set(chain))
    loop = document["loop"]
    event(f"{len(chain) - 1} transfers" + (", loop" if loop else ""))
    # Where the chain stopped, the rule there either does not transfer, or transfers to
    # an extension that is missing or already in the chain; the latter, and only the
    # latter, is reported as a loop.
    last = world.load(chain[-1])
    assert last is not None
    last_rule = select_rule(last, call)
    comes_back = (
        last_rule.call_handling_action == "TransferToExtension"
        and last_rule.transfer_extension_id in chain
    )
    assert (loop is not None) == comes_back
    reason = document["then"]["reason"] or ""
    if loop is not None:
        assert loop[:-1] == chain and loop[-1] in chain
        assert reason.startswith("transfer loop")
        assert document["steps"] == []
    else:
        assert not reason.startswith("transfer loop")
    # The last extension reached, and only it, rings.
    assert {step["extension"] for step in document["steps"]} <= {chain[-1]}
    last_action = (
        document["transfers"][-1]["action"] if document["transfers"] else document["action"]
    )
    if last_action == "TransferToExtension":
        assert document["then"]["action"] == "Disconnect" and document["steps"] == []


@given(st.data(), calls, st.sampled_from(ZONES), st.integers(-3, 3))
def test_the_flow_depends_on_the_instant_not_on_how_it_is_written(
    data: st.DataObject, call: Call, zone: str, shift: int
) -> None:
    world = World(data)
    moved = Call(call.at.astimezone(ZoneInfo(zone)), call.caller, call.called)
    assert run(world, call) == run(world, moved)
    # ... and a different instant may of course differ, but is still well formed.
    later = Call(call.at + timedelta(hours=shift), call.caller, call.called)
    assert run(world, later)["then"]["action"] in FINAL_ACTIONS
