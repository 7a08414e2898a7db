"""Services called directly, without HTTP, against a real SQLite database file.

The schema is migrated and the demo data loaded once; each test gets its own copy of that
file, so tests are independent and fast.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Iterator
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
