"""Group commit: concurrent writes share one durable commit, each keeps its own audit record,
and a write that fails inside a group leaves nothing and harms none of the others."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import IntegrityError

from ringforward.domain.errors import DomainError
from ringforward.service.access import Principal
from ringforward.service.answering_rules import update_rule
from ringforward.service.provisioning import (
    DEMO_ACCOUNT_ID,
    DEMO_ADMIN_ID,
    DEMO_USER_ID,
    add_extension,
    load_demo,
)
from ringforward.service.scope import ExtensionCall
from ringforward.store.database import Database, migrate
from ringforward.store.repository import Repository
from tests.service.conftest import ADMIN

pytestmark = pytest.mark.anyio

RULE = "business-hours-rule"
WRITERS = 6


@pytest.fixture
async def extensions(database_url: str) -> AsyncIterator[tuple[str, list[str]]]:
    """The demo account on each backend with ``WRITERS`` more extensions of its own."""
    await migrate(database_url)
    db = Database(database_url)
    try:
        assert await load_demo(db)
        ids = [
            (
                await add_extension(
                    db,
                    account_id=DEMO_ACCOUNT_ID,
                    extension_number=f"70{index}",
                    name=f"Writer {index}",
                    email=f"writer{index}@example.com",
                    password="Writer-Passw0rd",
                )
            ).id
            for index in range(WRITERS)
        ]
    finally:
        await db.dispose()
    yield database_url, ids


class Commits:
    """Counts the commits of a database's engine, and how many writes had returned by each."""

    def __init__(self, db: Database) -> None:
        self.returned = 0
        self.returned_at_commit: list[int] = []
        event.listen(db.engine.sync_engine, "commit", self._committed)

    def _committed(self, _connection: Any) -> None:
        self.returned_at_commit.append(self.returned)


async def _screen(db: Database, extension_id: str, commits: Commits, who: Principal = ADMIN) -> int:
    view = await update_rule(
        ExtensionCall(db, who, "~", extension_id), RULE, {"screening": "NoCallerId"}
    )
    commits.returned += 1
    return view.rule.version


async def _stored(url: str, extension_id: str) -> tuple[Any, list[dict[str, Any]]]:
    """The rule and its audit records as a fresh process would read them."""
    db = Database(url)
    try:
        async with db.reading() as uow:
            repo = Repository(uow)
            rule = next(r for r in await repo.list_rules(extension_id) if r.id == RULE)
            return rule, await repo.list_audit(extension_id, "answering-rule", RULE)
    finally:
        await db.dispose()


async def test_concurrent_writes_share_one_commit_and_each_keeps_its_audit_record(
    extensions: tuple[str, list[str]],
) -> None:
    url, ids = extensions
    db = Database(url)
    commits = Commits(db)
    try:
        versions = await asyncio.gather(*(_screen(db, ext, commits) for ext in ids))
    finally:
        await db.dispose()
    # One write may commit alone before the others queue up; the rest share a commit.
    assert 1 <= len(commits.returned_at_commit) <= 2, commits.returned_at_commit
    # Acknowledged only after the commit that holds it: nobody returned before the first.
    assert commits.returned_at_commit[0] == 0
    for extension_id, version in zip(ids, versions, strict=True):
        rule, audit = await _stored(url, extension_id)
        assert rule.screening == "NoCallerId"
        assert rule.version == version == 2
        assert [(a["version"], a["actor"], a["extension_id"]) for a in audit] == [
            (2, ADMIN.extension_id, extension_id)
        ]
        assert '"NoCallerId"' in audit[0]["after"]


async def _refused_write(db: Database, extension_id: str) -> None:
    """A PUT naming a forwarding number the extension does not have: refused whole."""
    body = {"forwarding": {"rules": [{"index": 1, "forwardingNumbers": [{"id": "404404"}]}]}}
    await update_rule(ExtensionCall(db, ADMIN, "~", extension_id), RULE, body)


async def _failing_store_write(db: Database, extension_id: str) -> None:
    """A write that changes a row and then fails: its change must not survive."""
    async with db.writing() as uow:
        await uow.connection.execute(
            text("UPDATE extensions SET name = 'Torn' WHERE id = :id"), {"id": extension_id}
        )
        raise RuntimeError("the use case failed after writing")


async def test_a_failing_write_in_a_group_leaves_nothing_and_spares_the_others(
    extensions: tuple[str, list[str]],
) -> None:
    url, ids = extensions
    good, refused, torn = ids[:-2], ids[-2], ids[-1]
    db = Database(url)
    commits = Commits(db)
    try:
        writes = [_screen(db, ext, commits) for ext in good]
        # The failing writes take their turns between the good ones, inside the group.
        writes.insert(1, _refused_write(db, refused))
        writes.insert(3, _failing_store_write(db, torn))
        outcomes = await asyncio.gather(*writes, return_exceptions=True)
    finally:
        await db.dispose()
    assert isinstance(outcomes[1], DomainError)
    assert isinstance(outcomes[3], RuntimeError)
    assert [o for i, o in enumerate(outcomes) if i not in (1, 3)] == [2] * len(good)
    assert len(commits.returned_at_commit) <= 2, commits.returned_at_commit
    for extension_id in good:
        rule, audit = await _stored(url, extension_id)
        assert (rule.screening, rule.version, len(audit)) == ("NoCallerId", 2, 1)
    for extension_id in (refused, torn):
        rule, audit = await _stored(url, extension_id)
        assert (rule.screening, rule.version, audit) == ("Off", 1, [])
    check = Database(url)
    try:
        async with check.reading() as uow:
            names = {
                row.id: row.name
                for row in await uow.connection.execute(
                    text("SELECT id, name FROM extensions WHERE id IN (:a, :b)"),
                    {"a": refused, "b": torn},
                )
            }
    finally:
        await check.dispose()
    assert names == {refused: f"Writer {WRITERS - 2}", torn: f"Writer {WRITERS - 1}"}


async def test_a_commit_that_fails_fails_every_write_of_its_group_and_keeps_none(
    db_url: str,
) -> None:
    """SQLite: a foreign key checked only at commit makes the group's one commit fail."""
    db = Database(db_url)
    commits = Commits(db)

    async def breaks_the_commit() -> None:
        async with db.writing() as uow:
            await uow.connection.execute(text("PRAGMA defer_foreign_keys = ON"))
            await uow.connection.execute(
                text("UPDATE extensions SET account_id = 'gone' WHERE id = :id"),
                {"id": DEMO_USER_ID},
            )

    try:
        outcomes = await asyncio.gather(
            _screen(db, DEMO_ADMIN_ID, commits), breaks_the_commit(), return_exceptions=True
        )
    finally:
        await db.dispose()
    assert all(isinstance(outcome, IntegrityError) for outcome in outcomes), outcomes
    assert commits.returned == 0
    rule, audit = await _stored(db_url, DEMO_ADMIN_ID)
    assert (rule.version, len(audit)) == (1, 0)
    check = Database(db_url)
    try:
        async with check.reading() as uow:
            members = await Repository(uow).list_extensions(DEMO_ACCOUNT_ID)
    finally:
        await check.dispose()
    assert DEMO_USER_ID in {extension.id for extension in members}


@pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=pytest.mark.postgres)])
async def test_a_connection_that_died_between_groups_costs_no_write(
    extensions: tuple[str, list[str]],
) -> None:
    """PostgreSQL: a group's connection is kept, unchecked, for the next group. One that
    died meanwhile (the server restarted) is noticed before anything is written, and the
    group begins again on a fresh connection."""
    url, ids = extensions
    db = Database(url)
    commits = Commits(db)
    try:
        assert await _screen(db, ids[0], commits) == 2
        admin = Database(url)
        try:
            async with admin.writing() as uow:
                killed = await uow.connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                )
                assert any(row[0] for row in killed), "no connection of the writer was killed"
        finally:
            await admin.dispose()
        assert await asyncio.gather(*(_screen(db, ext, commits) for ext in ids[1:])) == [2] * (
            len(ids) - 1
        )
    finally:
        await db.dispose()
    for extension_id in ids:
        rule, audit = await _stored(url, extension_id)
        assert (rule.screening, rule.version, len(audit)) == ("NoCallerId", 2, 1)
