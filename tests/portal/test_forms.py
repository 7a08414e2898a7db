"""Portal form fields to RingCentral bodies and back, and what the page shows (no I/O)."""

from __future__ import annotations

from datetime import datetime

from ringforward.domain.model import (
    AnsweringRule,
    BusinessHours,
    Caller,
    DateRange,
    ForwardingGroup,
    ForwardingNumber,
    ForwardingSettings,
    Schedule,
    TimeRange,
    UnconditionalForwarding,
)
from ringforward.portal import forms, views


def test_business_hours_body_skips_blank_slots_and_keeps_half_filled_ones() -> None:
    values = {
        "mode": ["weekly"],
        "monday-from-0": ["09:00"],
        "monday-to-0": ["12:00"],
        "monday-from-1": [""],
        "monday-to-1": [""],
        "tuesday-from-0": ["10:00"],
        "tuesday-to-0": [""],
        "sunday-from-0": [""],
        "sunday-to-0": [""],
    }
    assert forms.business_hours_body(values) == {
        "schedule": {
            "weeklyRanges": {
                "monday": [{"from": "09:00", "to": "12:00"}],
                # The missing end is left for the domain to name in its error.
                "tuesday": [{"from": "10:00"}],
            }
        }
    }


def test_open_24_7_sends_no_ranges_whatever_the_slots_hold() -> None:
    values = {"mode": ["always"], "monday-from-0": ["09:00"], "monday-to-0": ["18:00"]}
    assert forms.business_hours_body(values) == {"schedule": {"weeklyRanges": {}}}


def test_business_hours_values_round_trip_through_the_form() -> None:
    hours = BusinessHours({"monday": (TimeRange("08:00", "12:00"), TimeRange("13:00", "17:00"))})
    values = forms.business_hours_values(hours)
    assert values["mode"] == "weekly"
    assert forms.range_slots(values, "monday") == 3
    assert forms.range_slots(values, "tuesday") == forms.MIN_RANGE_SLOTS
    submitted = {key: [value] for key, value in values.items()}
    assert forms.business_hours_body(submitted)["schedule"]["weeklyRanges"] == {
        "monday": [{"from": "08:00", "to": "12:00"}, {"from": "13:00", "to": "17:00"}]
    }
    assert forms.business_hours_values(BusinessHours())["mode"] == "always"


def test_custom_rule_body_from_the_rule_form() -> None:
    values = {
        "name": ["Night line"],
        "enabled": ["on"],
        "callers": ["+14155550199\n\n (415) 555-0100 "],
        "calledNumbers": ["+16505550101, +16505550102"],
        "scheduleKind": ["dates"],
        "rangeFrom": ["2026-12-24T18:00"],
        "rangeTo": ["2026-12-26T08:00"],
        "callHandlingAction": ["TransferToExtension"],
        "transferExtensionId": ["22222223"],
        "unconditionalPhoneNumber": ["+14155550123"],
    }
    assert forms.custom_rule_body(values) == {
        "type": "Custom",
        "name": "Night line",
        "enabled": True,
        "callers": [{"callerId": "+14155550199"}, {"callerId": "(415) 555-0100"}],
        "calledNumbers": [{"phoneNumber": "+16505550101"}, {"phoneNumber": "+16505550102"}],
        "schedule": {"ranges": [{"from": "2026-12-24T18:00", "to": "2026-12-26T08:00"}]},
        "callHandlingAction": "TransferToExtension",
        # Only the target of the chosen action is sent.
        "transfer": {"extension": {"id": "22222223"}},
    }


def test_cleared_conditions_are_sent_as_empty_so_an_edit_removes_them() -> None:
    body = forms.custom_rule_body({"name": ["X"], "callHandlingAction": ["TakeMessagesOnly"]})
    assert body["callers"] == [] and body["calledNumbers"] == [] and body["schedule"] == {}
    assert body["enabled"] is False


def test_rule_values_fill_the_form_from_a_stored_rule() -> None:
    rule = AnsweringRule(
        id="55555555",
        extension_id="22222222",
        type="Custom",
        name="VIP caller",
        callers=(Caller("+14155550199"),),
        schedule=Schedule(
            ranges=(DateRange(datetime(2026, 12, 24, 18), datetime(2026, 12, 26, 8)),)
        ),
        call_handling_action="UnconditionalForwarding",
        unconditional_forwarding=UnconditionalForwarding("+16505550100"),
    )
    values = forms.rule_values(rule)
    assert values["callers"] == "+14155550199"
    assert values["scheduleKind"] == "dates"
    assert values["rangeFrom"] == "2026-12-24T18:00"
    assert values["unconditionalPhoneNumber"] == "+16505550100"
    submitted = {key: [value] for key, value in values.items()}
    assert forms.custom_rule_body(submitted)["unconditionalForwarding"] == {
        "phoneNumber": "+16505550100"
    }


def test_error_parameters_point_at_their_form_fields() -> None:
    assert forms.rule_field_of("callers[0].callerId") == "callers"
    assert forms.rule_field_of("calledNumbers[1].phoneNumber") == "calledNumbers"
    assert forms.rule_field_of("schedule.weeklyRanges.monday[0].to") == "schedule"
    assert forms.rule_field_of("unconditionalForwarding.phoneNumber") == "unconditional"
    assert forms.rule_field_of("transfer.extension.id") == "transfer"
    assert forms.rule_field_of(None) == "form"
    assert forms.hours_field_of("schedule.weeklyRanges.friday[1].from") == "friday"
    assert forms.hours_field_of("schedule") == "form"


def _numbers() -> tuple[ForwardingNumber, ...]:
    return (
        ForwardingNumber("1", "22222222", "+16505550100", "My Phone3"),
        ForwardingNumber("2", "22222222", "+12125550100", "Desk"),
        ForwardingNumber("3", "22222222", "+14155550142", "Mobile", "Mobile"),
    )


def test_forwarding_list_view_draws_groups_as_blocks_and_lists_the_rest_as_inactive() -> None:
    rule = AnsweringRule(
        id="business-hours-rule",
        extension_id="22222222",
        type="BusinessHours",
        name="Work Hours",
        forwarding=ForwardingSettings(
            ringing_mode="Simultaneously",
            groups=(ForwardingGroup(1, 3, ("2", "1")), ForwardingGroup(2, 5, ("3",))),
        ),
    )
    view = views.forwarding_list_view(rule, _numbers())
    assert [block.title for block in view.groups] == ["Ring group 1", "Step 2"]
    assert [row.phone for row in view.groups[0].rows] == ["+12125550100", "+16505550100"]
    assert view.groups[0].anchor == "2"
    assert view.inactive == ()
    assert view.ringing_mode == "Simultaneously"

    quiet = AnsweringRule(
        id="after-hours-rule", extension_id="22222222", type="AfterHours", name="After Hours"
    )
    assert [row.id for row in views.forwarding_list_view(quiet, _numbers()).inactive] == [
        "1",
        "2",
        "3",
    ]


def test_ring_count_choices_say_how_long_each_is() -> None:
    choices = views.ring_count_choices()
    assert choices[0] == (1, "1 ring (5 s)")
    assert choices[2] == (3, "3 rings (15 s)")
    assert choices[-1] == (15, "15 rings (75 s)")


def test_groups_body_is_a_ringcentral_forwarding_rules_array() -> None:
    body = views.groups_body((ForwardingGroup(1, 4, ("1", "2")),))
    assert body == [{"index": 1, "ringCount": 4, "forwardingNumbers": [{"id": "1"}, {"id": "2"}]}]


def test_conditions_and_actions_read_as_sentences() -> None:
    rule = AnsweringRule(
        id="9",
        extension_id="22222222",
        type="Custom",
        name="Nights",
        called_numbers=("+16505550101",),
        schedule=Schedule(weekly_ranges={"tuesday": (TimeRange("20:00", "23:00"),)}),
        call_handling_action="TransferToExtension",
        transfer_extension_id="22222223",
    )
    assert views.describe_conditions(rule) == (
        "Calls to +16505550101",
        "Tue 20:00\u201323:00",
    )
    assert views.describe_action(rule, {"22222223": "Demo User"}) == "Transfer to Demo User"
    assert views.describe_schedule(Schedule(ref="AfterHours")) == "After hours"
