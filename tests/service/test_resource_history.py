"""The trail of forwarding numbers and business hours, and the portal's whole-extension
view of it, without HTTP."""

from __future__ import annotations

import json

import pytest

from ringforward.domain.errors import NotFoundError, ValidationError
from ringforward.service import business_hours, extension_trail, forwarding_numbers
from ringforward.service import resource_history as use_cases
from ringforward.service.business_hours import HOURS_RESOURCE
from ringforward.service.forwarding_numbers import NUMBER_RESOURCE
from ringforward.store.audit import AuditRecord
from ringforward.store.database import Database
from ringforward.store.repositories import stored
from tests.service.conftest import ADMIN, own

pytestmark = pytest.mark.anyio

PHONE = "+12125550177"
MONDAY = {"schedule": {"weeklyRanges": {"monday": [{"from": "08:00", "to": "12:00"}]}}}
TUESDAY = {"schedule": {"weeklyRanges": {"tuesday": [{"from": "10:00", "to": "11:00"}]}}}


async def _stored_versions(db: Database, resource_type: str, resource_id: str) -> list[int]:
    async with stored(db, writing=False) as repos:
        trail = await repos.audit.resource_trail(ADMIN.extension_id, resource_type, resource_id)
        return [record.version for record in trail]


async def test_each_change_of_a_number_gets_the_next_version(db: Database) -> None:
    created = await forwarding_numbers.create_forwarding_number(
        own(db), {"phoneNumber": PHONE, "label": "Desk"}
    )
    number_id = created.number.id
    await forwarding_numbers.update_forwarding_number_use_case(
        own(db), number_id, {"label": "Office"}
    )
    await forwarding_numbers.delete_forwarding_numbers(own(db), [number_id])
    assert await _stored_versions(db, NUMBER_RESOURCE, number_id) == [1, 2, 3]

    trail = await use_cases.number_history(own(db), number_id)
    assert [change.version for change in trail.changes] == [3, 2, 1]
    deleted = trail.changes[0]
    assert deleted.after is None and deleted.before is not None
    assert deleted.before.label == "Office"

    back = await use_cases.revert_number_change(own(db), number_id, 3)
    assert back.number.id == number_id and back.number.label == "Office"
    listed = await forwarding_numbers.list_forwarding_numbers(own(db))
    assert number_id in {number.id for number in listed.numbers}
    assert await _stored_versions(db, NUMBER_RESOURCE, number_id) == [1, 2, 3, 4]


async def test_reverting_the_registration_of_a_number_is_refused(db: Database) -> None:
    created = await forwarding_numbers.create_forwarding_number(
        own(db), {"phoneNumber": PHONE, "label": "Desk"}
    )
    with pytest.raises(ValidationError) as refused:
        await use_cases.revert_number_change(own(db), created.number.id, 1)
    assert refused.value.parameter_name == "version"
    with pytest.raises(NotFoundError) as unknown:
        await use_cases.number_history(own(db), "no-such-number")
    assert unknown.value.parameter_name == "forwardingNumberId"


async def test_business_hours_go_back_to_what_a_change_replaced(db: Database) -> None:
    original = (await business_hours.get_business_hours(own(db))).hours
    await business_hours.update_business_hours(own(db), MONDAY)
    await business_hours.update_business_hours(own(db), TUESDAY)
    trail = await use_cases.hours_history(own(db))
    assert [change.version for change in trail.changes] == [2, 1]
    assert trail.changes[1].before == original

    reverted = await use_cases.revert_hours_change(own(db), 1)
    assert reverted.hours == original
    assert (await business_hours.get_business_hours(own(db))).hours == original
    assert await _stored_versions(db, HOURS_RESOURCE, ADMIN.extension_id) == [1, 2, 3]
    with pytest.raises(NotFoundError):
        await use_cases.revert_hours_change(own(db), 9)


async def test_records_without_a_version_are_numbered_in_the_order_written(
    db: Database,
) -> None:
    # Records from before versions were stored say 0 (an update) or 1 (a registration).
    changes = [(None, {"label": "A"}), ({"label": "A"}, {"label": "B"})]
    async with stored(db, writing=True) as repos:
        for position, (before, after) in enumerate(changes):
            await repos.audit.insert_audit(
                AuditRecord(
                    account_id=ADMIN.account_id,
                    extension_id=ADMIN.extension_id,
                    resource_type=NUMBER_RESOURCE,
                    resource_id="old-number",
                    version=1 if position == 0 else 0,
                    at=1000.0 + position,
                    actor=ADMIN.extension_id,
                    before=None if before is None else json.dumps(before),
                    after=json.dumps(after),
                )
            )
    async with stored(db, writing=True) as repos:
        await repos.audit.insert_audit(
            AuditRecord(
                account_id=ADMIN.account_id,
                extension_id=ADMIN.extension_id,
                resource_type=HOURS_RESOURCE,
                resource_id=ADMIN.extension_id,
                version=0,
                at=2000.0,
                actor=ADMIN.extension_id,
                before=json.dumps({}),
                after=json.dumps({"monday": [{"from": "08:00", "to": "09:00"}]}),
            )
        )
    seen = await extension_trail.extension_trail(own(db))
    versions = [
        (entry.resource_type, entry.version)
        for entry in seen.entries
        if entry.resource_id in ("old-number", ADMIN.extension_id)
    ]
    assert versions == [(HOURS_RESOURCE, 1), (NUMBER_RESOURCE, 2), (NUMBER_RESOURCE, 1)]


async def test_the_extension_trail_reverts_through_each_resources_use_case(
    db: Database,
) -> None:
    original = (await business_hours.get_business_hours(own(db))).hours
    await business_hours.update_business_hours(own(db), MONDAY)
    created = await forwarding_numbers.create_forwarding_number(
        own(db), {"phoneNumber": PHONE, "label": "Desk"}
    )
    seen = await extension_trail.extension_trail(own(db))
    newest = seen.entries[0]
    assert (newest.resource_type, newest.resource_id) == (NUMBER_RESOURCE, created.number.id)
    assert seen.phone_numbers[created.number.id] == PHONE

    await extension_trail.revert_entry(
        own(db), resource_type=HOURS_RESOURCE, resource_id="", version=1
    )
    assert (await business_hours.get_business_hours(own(db))).hours == original
