"""The audit trail, reverting a change, and the call-flow simulation, without HTTP."""

from __future__ import annotations

import pytest

from ringforward.domain.callflow import CallFlow
from ringforward.domain.errors import NotFoundError, ValidationError
from ringforward.domain.model import AFTER_HOURS_RULE_ID, BUSINESS_HOURS_RULE_ID
from ringforward.service import answering_rules, callflow, history
from ringforward.store.database import Database
from tests.service.conftest import ADMIN, own

pytestmark = pytest.mark.anyio


async def test_a_change_is_audited_and_can_be_reverted(db: Database) -> None:
    body = {"forwarding": {"ringingMode": "Simultaneously"}}
    changed = await answering_rules.update_rule(own(db), BUSINESS_HOURS_RULE_ID, body)
    trail = await history.rule_history(own(db), BUSINESS_HOURS_RULE_ID)
    newest = trail.changes[0]
    assert newest.version == changed.rule.version
    assert newest.actor_id == ADMIN.extension_id
    assert newest.before is not None and newest.before.forwarding.ringing_mode == "Sequentially"
    assert newest.after is not None and newest.after.forwarding.ringing_mode == "Simultaneously"
    reverted = await history.revert_change(own(db), BUSINESS_HOURS_RULE_ID, newest.version)
    assert reverted.rule.forwarding.ringing_mode == "Sequentially"
    assert reverted.rule.version == changed.rule.version + 1


async def test_reverting_an_unknown_version_is_a_404(db: Database) -> None:
    with pytest.raises(NotFoundError) as refused:
        await history.revert_change(own(db), BUSINESS_HOURS_RULE_ID, 99)
    assert refused.value.parameter_name == "version"


async def test_the_simulation_returns_a_call_flow_value(db: Database) -> None:
    # Monday 10:00 in Los Angeles is inside the demo admin's business hours.
    flow = await callflow.simulate_call(own(db), at="2026-11-30T10:00:00", caller=None, called=None)
    assert isinstance(flow, CallFlow)
    assert flow.rule.id == BUSINESS_HOURS_RULE_ID
    assert any("+16505550100" in step.ring for step in flow.steps), flow.steps
    night = await callflow.simulate_call(
        own(db), at="2026-11-30T23:00:00", caller=None, called=None
    )
    assert night.rule.id == AFTER_HOURS_RULE_ID
    assert night.then.action == "Voicemail"


async def test_the_simulation_refuses_a_bad_time(db: Database) -> None:
    with pytest.raises(ValidationError) as refused:
        await callflow.simulate_call(own(db), at="tuesday", caller=None, called=None)
    assert refused.value.parameter_name == "at"


async def test_the_cli_acts_as_the_extension_with_admin_rights(db: Database) -> None:
    principal = await callflow.cli_principal(db, "22222223")
    assert (principal.extension_id, principal.is_admin) == ("22222223", True)
    with pytest.raises(ValidationError):
        await callflow.cli_principal(db, "404")


@pytest.mark.parametrize("at", ["9999-12-31T23:59:59-23:00", "0001-01-01T00:00:00+23:00"])
def test_an_instant_at_the_edge_of_the_calendar_is_a_400(at: str) -> None:
    # Read in the extension's zone it would fall outside the years a datetime can hold.
    with pytest.raises(ValidationError) as refused:
        callflow.parse_call(at, None, None, region="US")
    assert refused.value.parameter_name == "at"
