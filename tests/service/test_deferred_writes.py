"""Deferred writes of a write group (``WriteGroup.defer``): they run once, at the group's
end or before any statement of a later writer, and if they fail, the whole group fails.

The first tests defer rows of ``sequences`` (``Marks``) on both backends; the last ones
run the rule saves that the fast PUT defers on PostgreSQL (``store/raw_writes.py``) into
a rule changed behind the groups' back and over a connection that died.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncConnection

from ringforward.domain.errors import ValidationError
from ringforward.service.answering_rules import update_rule_remembered
from ringforward.service.provisioning import DEMO_ADMIN_ID, DEMO_USER_ID
from ringforward.service.scope import ExtensionCall
from ringforward.store import raw_writes
from ringforward.store.database import Database, migrate
from ringforward.store.repository import Repository
from tests.service.conftest import ADMIN, database_pair, own
from tests.service.test_rule_memory import RULE, ring, stored

pytestmark = pytest.mark.anyio

MARKS = "SELECT name FROM sequences WHERE name LIKE 'mark-%' ORDER BY name"


class Marks:
    """Deferred rows of ``sequences``, each named by its write; ``impossible`` is refused
    when deferred, ``broken`` is written and then fails the batch."""

    sent: list[list[str]] = []

    def __init__(self) -> None:
        self._names: list[str] = []

    def add(self, write: Any) -> bool:
        if write == "impossible":
            return False
        self._names.append(str(write))
        return True

    async def send(self, connection: AsyncConnection) -> None:
        Marks.sent.append(list(self._names))
        for name in self._names:
            await connection.execute(
                text("INSERT INTO sequences (name, next_value) VALUES (:name, 1)"),
                {"name": f"mark-{name}"},
            )
        if "broken" in self._names:
            raise RuntimeError("a deferred write failed")


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    await migrate(database_url)
    database = Database(database_url)
    Marks.sent = []
    yield database
    await database.dispose()


def count_commits(db: Database) -> list[None]:
    commits: list[None] = []
    event.listen(db.engine.sync_engine, "commit", lambda _connection: commits.append(None))
    return commits


async def defer(db: Database, *names: str, then_refuse: bool = False) -> None:
    """A writer without a savepoint that defers a mark per name (and then may refuse)."""
    async with db.writing(savepoint=False) as uow:
        for name in names:
            assert uow.defer(Marks, name) == (name != "impossible")
        if then_refuse:
            raise ValidationError("refused after deferring")


async def marks_in_turn(db: Database, *, savepoint: bool) -> list[str]:
    """The marks a writer reads during its turn, through its unit of work."""
    async with db.writing(savepoint=savepoint) as uow:
        connection = uow.connection if savepoint else await uow.sent()
        return [row.name for row in await connection.execute(text(MARKS))]


async def committed_marks(url: str) -> list[str]:
    fresh = Database(url)
    try:
        async with fresh.reading() as uow:
            return [row.name for row in await uow.connection.execute(text(MARKS))]
    finally:
        await fresh.dispose()


async def test_deferred_writes_run_before_the_commit_and_before_any_later_statement(
    db: Database,
) -> None:
    commits = count_commits(db)
    outcomes = await asyncio.gather(
        defer(db, "1"),
        defer(db, "2"),
        marks_in_turn(db, savepoint=True),
        defer(db, "3"),
        marks_in_turn(db, savepoint=False),
        defer(db, "4"),
    )
    assert len(commits) == 1, "all six took their turns in one group"
    # Each read saw what the writers before it deferred; each deferred write ran once.
    assert outcomes[2] == ["mark-1", "mark-2"]
    assert outcomes[4] == ["mark-1", "mark-2", "mark-3"]
    assert Marks.sent == [["1", "2"], ["3"], ["4"]]
    assert await committed_marks(db.url) == ["mark-1", "mark-2", "mark-3", "mark-4"]


async def test_deferred_writes_that_fail_fail_every_write_of_the_group_and_keep_none(
    db: Database,
) -> None:
    async def savepoint_writer() -> None:
        async with db.writing() as uow:
            await uow.connection.execute(
                text("INSERT INTO sequences (name, next_value) VALUES ('mark-0', 1)")
            )

    outcomes = await asyncio.gather(
        savepoint_writer(), defer(db, "1"), defer(db, "broken"), return_exceptions=True
    )
    assert [type(outcome) for outcome in outcomes] == [RuntimeError] * 3
    assert all("deferred write failed" in str(outcome) for outcome in outcomes)
    assert await committed_marks(db.url) == []
    await defer(db, "2")
    assert await committed_marks(db.url) == ["mark-2"], "the next group is whole again"


async def test_a_writer_refused_after_deferring_takes_its_group_down(db: Database) -> None:
    outcomes = await asyncio.gather(
        defer(db, "1"), defer(db, "2", then_refuse=True), return_exceptions=True
    )
    assert isinstance(outcomes[0], RuntimeError) and "lost" in str(outcomes[0])
    assert isinstance(outcomes[1], ValidationError)
    assert await committed_marks(db.url) == []


async def test_a_refusal_before_any_deferred_write_spares_the_group(db: Database) -> None:
    outcomes = await asyncio.gather(
        defer(db, "1"), defer(db, "impossible", then_refuse=True), return_exceptions=True
    )
    assert outcomes[0] is None
    assert isinstance(outcomes[1], ValidationError)
    assert await committed_marks(db.url) == ["mark-1"]


@pytest.fixture
async def pg_pair(tmp_path: Any) -> AsyncIterator[tuple[Database, Database]]:
    async with database_pair("postgresql", tmp_path) as databases:
        yield databases


def before_sending(monkeypatch: pytest.MonkeyPatch, step: Any) -> None:
    """Run ``step(connection)`` right before a group's rule saves are sent."""
    original = raw_writes.RuleSaves.send

    async def send(self: raw_writes.RuleSaves, connection: AsyncConnection) -> None:
        await step(connection)
        await original(self, connection)

    monkeypatch.setattr(raw_writes.RuleSaves, "send", send)


@pytest.mark.postgres
async def test_a_rule_changed_behind_the_groups_back_fails_the_group_at_its_end(
    pg_pair: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both writers read from memory: their saves go out together at the group's end."""
    db, elsewhere = pg_pair
    user = ExtensionCall(db, ADMIN, "~", DEMO_USER_ID)
    before = (await update_rule_remembered(own(db), RULE, ring(4))).rule
    await update_rule_remembered(user, RULE, {"screening": "NoCallerId"})
    user_before = await stored_rule(db, DEMO_USER_ID)

    async def outside_change(_connection: AsyncConnection) -> None:
        # Plain SQL, as a tool that takes no turn in the write groups would run it.
        async with elsewhere.engine.begin() as other:
            await other.execute(
                text(
                    "UPDATE answering_rules SET version = version + 100"
                    " WHERE extension_id = :ext AND rule_id = :rule"
                ),
                {"ext": DEMO_ADMIN_ID, "rule": RULE},
            )

    before_sending(monkeypatch, outside_change)
    outcomes = await asyncio.gather(
        update_rule_remembered(own(db), RULE, ring(5)),
        update_rule_remembered(user, RULE, {"screening": "Off"}),
        return_exceptions=True,
    )
    monkeypatch.undo()
    assert [type(outcome) for outcome in outcomes] == [raw_writes.StaleSave] * 2
    rule, audit = await stored(db)
    assert (rule.version, rule.forwarding) == (before.version + 100, before.forwarding)
    assert audit[0]["version"] == before.version, "no audit record of the failed group"
    assert await stored_rule(db, DEMO_USER_ID) == user_before
    after = await update_rule_remembered(own(db), RULE, ring(6))
    assert after.rule.version == before.version + 101, "read again, not from memory"


@pytest.mark.postgres
async def test_a_connection_lost_before_the_saves_are_sent_loses_the_group_only(
    pg_pair: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second writer's extension is not in memory yet: its first read sends the
    first writer's save, on the connection that died."""
    db, elsewhere = pg_pair
    user = ExtensionCall(db, ADMIN, "~", DEMO_USER_ID)
    before = (await update_rule_remembered(own(db), RULE, ring(4))).rule

    async def kill(connection: AsyncConnection) -> None:
        pid = (await connection.get_raw_connection()).driver_connection.get_server_pid()
        async with elsewhere.engine.begin() as other:
            await other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

    before_sending(monkeypatch, kill)
    outcomes = await asyncio.gather(
        update_rule_remembered(own(db), RULE, ring(5)),
        update_rule_remembered(user, RULE, {"screening": "NoCallerId"}),
        return_exceptions=True,
    )
    monkeypatch.undo()
    assert all(isinstance(outcome, Exception) for outcome in outcomes), outcomes
    rule, audit = await stored(db)
    assert (rule.version, audit[0]["version"]) == (before.version, before.version)
    user_rule, user_audit = await stored_rule(db, DEMO_USER_ID)
    assert (user_rule.version, user_rule.screening, user_audit) == (1, "Off", 0)
    after = await update_rule_remembered(own(db), RULE, ring(6))
    assert after.rule.version == before.version + 1, "the next group has a live connection"


async def stored_rule(db: Database, extension_id: str) -> tuple[Any, int]:
    """An extension's rule and how many audit records it has."""
    async with db.reading() as uow:
        repo = Repository(uow)
        rule = next(r for r in await repo.list_rules(extension_id) if r.id == RULE)
        return rule, len(await repo.list_audit(extension_id, "answering-rule", RULE))
