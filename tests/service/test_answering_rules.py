"""Answering-rule use cases, and the request-schema checks every write path now shares."""

from __future__ import annotations

from typing import Any

import pytest

from ringforward.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from ringforward.domain.model import BUSINESS_HOURS_RULE_ID
from ringforward.service import answering_rules
from ringforward.service.answering_rules import RuleFilter
from ringforward.service.scope import ExtensionCall
from ringforward.store.database import Database
from tests.service.conftest import ADMIN, OTHER, USER, own

pytestmark = pytest.mark.anyio

BOGUS: dict[str, Any] = {"enabled": "yes", "screening": 42, "forwarding": {"ringingMode": "Bogus"}}


def _named(error: ValidationError) -> set[str | None]:
    return {detail.parameter_name for detail in error.details}


async def test_the_portals_path_refuses_a_body_that_breaks_the_request_schema(
    db: Database,
) -> None:
    # The portal's changes go through update_rule_with, deriving the body from the rule.
    before = await answering_rules.get_rule(own(db), BUSINESS_HOURS_RULE_ID)
    with pytest.raises(ValidationError) as refused:
        await answering_rules.update_rule_with(own(db), BUSINESS_HOURS_RULE_ID, lambda _view: BOGUS)
    assert refused.value.code == "CMN-101"
    assert refused.value.status == 400
    assert {"enabled", "screening", "forwarding.ringingMode"} <= _named(refused.value)
    assert "Parameter [enabled] value is invalid" in refused.value.message or any(
        "[enabled]" in detail.message for detail in refused.value.details
    )
    after = await answering_rules.get_rule(own(db), BUSINESS_HOURS_RULE_ID)
    assert after.rule == before.rule


async def test_a_put_body_is_checked_before_the_rule_is_looked_up(db: Database) -> None:
    with pytest.raises(ValidationError) as refused:
        await answering_rules.update_rule(own(db), "no-such-rule", BOGUS)
    assert "forwarding.ringingMode" in _named(refused.value)


async def test_update_merges_and_bumps_the_version(db: Database) -> None:
    before = await answering_rules.get_rule(own(db), BUSINESS_HOURS_RULE_ID)
    body = {"forwarding": {"ringingMode": "Simultaneously"}}
    view = await answering_rules.update_rule(own(db), BUSINESS_HOURS_RULE_ID, body)
    assert view.rule.forwarding.ringing_mode == "Simultaneously"
    assert view.rule.version == before.rule.version + 1
    assert view.rule.forwarding.groups == before.rule.forwarding.groups


async def test_create_list_and_delete_a_custom_rule(db: Database) -> None:
    body = {
        "type": "Custom",
        "name": "Night",
        "callers": [{"callerId": "+14155550100"}],
        "callHandlingAction": "TakeMessagesOnly",
    }
    created = await answering_rules.create_custom_rule(own(db), body)
    assert created.rule.is_custom and created.rule.version == 1
    listed = await answering_rules.list_rules(own(db), RuleFilter(types=("Custom",)))
    assert created.rule.id in {rule.id for rule in listed.rules}
    assert all(rule.is_custom for rule in listed.rules)
    await answering_rules.delete_rule(own(db), created.rule.id)
    with pytest.raises(NotFoundError):
        await answering_rules.get_rule(own(db), created.rule.id)


async def test_create_refuses_a_body_without_a_type_like_the_api(db: Database) -> None:
    with pytest.raises(ValidationError) as refused:
        await answering_rules.create_custom_rule(own(db), {"name": 5})
    assert "name" in _named(refused.value)


async def test_standard_rules_cannot_be_deleted(db: Database) -> None:
    with pytest.raises(ValidationError):
        await answering_rules.delete_rule(own(db), BUSINESS_HOURS_RULE_ID)


async def test_a_user_cannot_reach_a_colleague_and_nobody_another_account(
    db: Database,
) -> None:
    with pytest.raises(PermissionDeniedError):
        await answering_rules.list_rules(ExtensionCall(db, USER, "~", ADMIN.extension_id))
    with pytest.raises(NotFoundError):
        await answering_rules.list_rules(
            ExtensionCall(db, OTHER, ADMIN.account_id, ADMIN.extension_id)
        )
