"""A rule's update from memory (``service/rule_memory.py``): it reads nothing the database
provably still holds, sees every change of another process before it writes, keeps the
updates of one group in order, and forgets everything a failed group did.

Two ``Database`` objects over one database stand for two processes on two hosts
(``pair``): they share nothing but the database, so on PostgreSQL the second one's
notification may not even have arrived when the first one writes again.
"""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import pytest

from ringforward.domain.errors import DomainError
from ringforward.service.answering_rules import update_rule, update_rule_remembered
from ringforward.service.rule_memory import rule_memory
from ringforward.store import raw_writes
from ringforward.store.audit import AuditRecord
from ringforward.store.database import Database
from ringforward.store.repository import Repository
from tests.service.conftest import ADMIN, own
from tests.service.test_principal_cache import count_statements

pytestmark = pytest.mark.anyio

RULE = "business-hours-rule"


def ring(count: int, number: str = "33333333") -> dict[str, Any]:
    group = {"index": 1, "ringCount": count, "forwardingNumbers": [{"id": number}]}
    return {"forwarding": {"rules": [group]}}


async def stored(db: Database) -> tuple[Any, list[dict[str, Any]]]:
    """The admin's rule and its audit records (newest first), as the database has them."""
    async with db.reading() as uow:
        repo = Repository(uow)
        rule = next(r for r in await repo.list_rules(ADMIN.extension_id) if r.id == RULE)
        return rule, await repo.list_audit(ADMIN.extension_id, "answering-rule", RULE)


def reads(statements: list[str]) -> list[str]:
    tables = ("answering_rules", "forwarding_numbers", "extensions")
    return [
        s
        for s in statements
        if s.lstrip().upper().startswith("SELECT") and any(table in s for table in tables)
    ]


async def test_a_second_update_reads_nothing_and_writes_the_same_as_the_full_path(
    pair: tuple[Database, Database],
) -> None:
    db, _ = pair
    await update_rule_remembered(own(db), RULE, ring(4))
    statements = count_statements(db)
    view = await update_rule_remembered(own(db), RULE, ring(3))
    assert reads(statements) == [], "the extension, rule and numbers came from memory"
    full = await update_rule(own(db), RULE, ring(3))
    assert full.rule.version == view.rule.version + 1
    rule, audit = await stored(db)
    assert rule.version == full.rule.version
    assert audit[0]["before"] == audit[1]["after"] == audit[0]["after"]
    assert [a["version"] for a in audit[:3]] == [rule.version, rule.version - 1, rule.version - 2]


async def test_updates_of_one_rule_in_one_group_are_all_kept_in_order(
    pair: tuple[Database, Database],
) -> None:
    db, _ = pair
    start = (await update_rule_remembered(own(db), RULE, ring(2))).rule.version
    views = await asyncio.gather(
        *(update_rule_remembered(own(db), RULE, ring(count)) for count in range(3, 11))
    )
    versions = [view.rule.version for view in views]
    assert sorted(versions) == list(range(start + 1, start + 9))
    rule, audit = await stored(db)
    chain = list(reversed(audit[:8]))
    assert [record["version"] for record in chain] == sorted(versions)
    for earlier, later in itertools.pairwise(chain):
        assert later["before"] == earlier["after"]
    last = max(views, key=lambda view: view.rule.version)
    assert rule == last.rule


async def test_a_failed_group_forgets_what_it_wrote(
    pair: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch
) -> None:
    db, _ = pair
    before = (await update_rule_remembered(own(db), RULE, ring(4))).rule
    original = raw_writes.RawWrites.save_rule_change

    async def save_rule_change(
        self: raw_writes.RawWrites, rule: Any, previous_version: int, record: AuditRecord
    ) -> bool:
        written = await original(self, rule, previous_version, record)
        if '"groups":[[6,' in (record.after or ""):
            raise RuntimeError("the disk is full")
        return written

    monkeypatch.setattr(raw_writes.RawWrites, "save_rule_change", save_rule_change)
    # The first takes its turn and waits for the group's commit; the second fails after
    # writing the rule, which abandons the group: neither is acknowledged, nor kept.
    outcomes = await asyncio.gather(
        update_rule_remembered(own(db), RULE, ring(5)),
        update_rule_remembered(own(db), RULE, ring(6)),
        return_exceptions=True,
    )
    assert [type(outcome) for outcome in outcomes] == [RuntimeError, RuntimeError]
    assert "lost" in str(outcomes[0]) and "disk is full" in str(outcomes[1])
    rule, audit = await stored(db)
    assert (rule.version, rule.forwarding) == (before.version, before.forwarding)
    assert audit[0]["version"] == before.version
    statements = count_statements(db)
    after = await update_rule_remembered(own(db), RULE, ring(7))
    assert reads(statements), "what the failed group wrote was forgotten: read again"
    assert after.rule.version == before.version + 1


async def test_another_process_change_is_seen_before_the_next_write(
    pair: tuple[Database, Database],
) -> None:
    here, elsewhere = pair
    await update_rule_remembered(own(here), RULE, ring(4))
    # Another process changes the rule, then drops the number it rings.
    changed = await update_rule(own(elsewhere), RULE, {"screening": "NoCallerId"})
    after = await update_rule_remembered(own(here), RULE, ring(3))
    assert after.rule.version == changed.rule.version + 1
    assert after.rule.screening == "NoCallerId", "built on the other process's change"
    rule, audit = await stored(here)
    assert audit[0]["before"] == audit[1]["after"]
    async with elsewhere.writing() as uow:
        await uow.connection.exec_driver_sql("DELETE FROM forwarding_numbers WHERE id = 33333333")
    with pytest.raises(DomainError):
        await update_rule_remembered(own(here), RULE, ring(4))
    assert (await stored(here))[0].version == rule.version


async def test_a_full_write_of_this_process_empties_the_memory(
    pair: tuple[Database, Database],
) -> None:
    db, _ = pair
    await update_rule_remembered(own(db), RULE, ring(4))
    assert rule_memory(db).rules
    await update_rule(own(db), RULE, {"screening": "NoCallerId"})
    statements = count_statements(db)
    view = await update_rule_remembered(own(db), RULE, ring(3))
    assert reads(statements), "read again after a write that did not keep it up to date"
    assert view.rule.screening == "NoCallerId"
