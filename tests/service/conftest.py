"""Services called directly, without HTTP, against a real SQLite database file.

The schema is migrated and the demo data loaded once; each test gets its own copy of that
file, so tests are independent and fast.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from ringforward.service.access import Principal
from ringforward.service.provisioning import (
    DEMO_ACCOUNT_ID,
    DEMO_ADMIN_ID,
    DEMO_USER_ID,
    OTHER_ACCOUNT_ID,
    OTHER_ADMIN_ID,
    load_demo,
)
from ringforward.service.scope import ExtensionCall
from ringforward.store.database import Database, migrate
from tests.conftest import make_database_url
from tests.support.servers import drop_postgres_database

ADMIN = Principal(DEMO_ACCOUNT_ID, DEMO_ADMIN_ID, True, "test-client", "test-session")
USER = Principal(DEMO_ACCOUNT_ID, DEMO_USER_ID, False, "test-client", "test-session")
OTHER = Principal(OTHER_ACCOUNT_ID, OTHER_ADMIN_ID, True, "test-client", "test-session")


def own(db: Database, who: Principal = ADMIN) -> ExtensionCall:
    """A use case on the caller's own extension."""
    return ExtensionCall(db, who, "~", "~")


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "demo.db"

    async def build() -> None:
        url = f"sqlite:///{path}"
        await migrate(url)
        db = Database(url)
        try:
            assert await load_demo(db)
        finally:
            await db.dispose()

    asyncio.run(build())
    return path


@pytest.fixture
def db_url(demo_file: Path, tmp_path: Path) -> Iterator[str]:
    copy = tmp_path / "ringforward.db"
    shutil.copyfile(demo_file, copy)
    yield f"sqlite:///{copy}"


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    database = Database(db_url)
    yield database
    await database.dispose()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@asynccontextmanager
async def database_pair(
    backend: str, tmp_path: Path, *, same_host: bool = False
) -> AsyncIterator[tuple[Database, Database]]:
    """Two handles on one fresh demo database, each with its own host directory (two
    hosts), or sharing one (two workers of one host)."""
    # The PostgreSQL helpers run their own event loop: keep them off this one.
    url = await asyncio.to_thread(make_database_url, backend, tmp_path)
    await migrate(url)
    hosts = [tmp_path / "host-1", tmp_path / ("host-1" if same_host else "host-2")]
    for directory in hosts:
        directory.mkdir(exist_ok=True)
    first, second = (Database(url, host_directory=str(directory)) for directory in hosts)
    try:
        assert await load_demo(first)
        for db in (first, second):
            await db.changes.start()
        yield first, second
    finally:
        await first.dispose()
        await second.dispose()
        if backend == "postgresql":
            await asyncio.to_thread(drop_postgres_database, url)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def pair(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[tuple[Database, Database]]:
    async with database_pair(str(request.param), tmp_path) as databases:
        yield databases
