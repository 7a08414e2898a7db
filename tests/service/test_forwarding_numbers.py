"""Forwarding-number use cases and business hours, called without HTTP."""

from __future__ import annotations

import pytest

from ringforward.domain.errors import ConflictError, NotFoundError, ValidationError
from ringforward.domain.model import BUSINESS_HOURS_RULE_ID, TimeRange
from ringforward.service import answering_rules, business_hours, forwarding_numbers
from ringforward.store.database import Database
from tests.service.conftest import own

pytestmark = pytest.mark.anyio
DEMO_NUMBER = "33333333"


async def test_create_update_and_read_a_number(db: Database) -> None:
    body = {"phoneNumber": "+14155550123", "label": "Desk", "type": "Other"}
    created = await forwarding_numbers.create_forwarding_number(own(db), body)
    assert created.number.id == "44444444"
    assert created.number.phone_number == "+14155550123"
    body = {"label": "Front desk"}
    updated = await forwarding_numbers.update_forwarding_number_use_case(
        own(db), created.number.id, body
    )
    assert updated.number.label == "Front desk"
    read = await forwarding_numbers.get_forwarding_number(own(db), created.number.id)
    assert read.number == updated.number
    listed = await forwarding_numbers.list_forwarding_numbers(own(db))
    assert [n.id for n in listed.numbers] == [DEMO_NUMBER, created.number.id]


async def test_a_number_of_the_account_itself_is_refused(db: Database) -> None:
    body = {"phoneNumber": "+16505550102", "label": "Colleague"}
    with pytest.raises((ConflictError, ValidationError)):
        await forwarding_numbers.create_forwarding_number(own(db), body)


async def test_a_wrongly_typed_body_is_refused_by_the_schema(db: Database) -> None:
    with pytest.raises(ValidationError) as refused:
        await forwarding_numbers.create_forwarding_number(
            own(db), {"phoneNumber": 14155550123, "label": "Desk"}
        )
    assert "phoneNumber" in {d.parameter_name for d in refused.value.details}


async def test_deleting_a_number_takes_it_out_of_every_rule(db: Database) -> None:
    rule = await answering_rules.get_rule(own(db), BUSINESS_HOURS_RULE_ID)
    assert DEMO_NUMBER in rule.rule.forwarding.active_number_ids()
    await forwarding_numbers.delete_listed_numbers(own(db), {"records": [{"id": DEMO_NUMBER}]})
    after = await answering_rules.get_rule(own(db), BUSINESS_HOURS_RULE_ID)
    assert after.rule.forwarding.groups == ()
    assert after.rule.version == rule.rule.version + 1
    with pytest.raises(NotFoundError):
        await forwarding_numbers.get_forwarding_number(own(db), DEMO_NUMBER)


async def test_a_bulk_delete_naming_an_unknown_number_changes_nothing(db: Database) -> None:
    body = {"records": [{"id": DEMO_NUMBER}, {"id": "123"}]}
    with pytest.raises(NotFoundError) as refused:
        await forwarding_numbers.delete_listed_numbers(own(db), body)
    assert refused.value.parameter_name == "records[1].id"
    listed = await forwarding_numbers.list_forwarding_numbers(own(db))
    assert [n.id for n in listed.numbers] == [DEMO_NUMBER]


async def test_business_hours_are_read_and_replaced(db: Database) -> None:
    shown = await business_hours.get_business_hours(own(db))
    assert shown.hours.weekly_ranges["monday"] == (TimeRange("09:00", "18:00"),)
    body = {"schedule": {"weeklyRanges": {"sunday": [{"from": "10:00", "to": "12:00"}]}}}
    saved = await business_hours.update_business_hours(own(db), body)
    assert dict(saved.hours.weekly_ranges) == {"sunday": (TimeRange("10:00", "12:00"),)}
    again = await business_hours.get_business_hours(own(db))
    assert again.hours == saved.hours


async def test_business_hours_refuse_a_schedule_of_the_wrong_type(db: Database) -> None:
    with pytest.raises(ValidationError) as refused:
        await business_hours.update_business_hours(own(db), {"schedule": "always"})
    assert refused.value.parameter_name == "schedule"
