"""The change stamp and the structure stamp taken together from one read of the shared mark
(``ChangeWatch.stamps``, what an answer from memory takes) see what each taken alone sees.

Two ``Database`` objects sharing one host directory stand for two workers of one host: a
write of one is seen by the other's very next stamps, with no turn of the event loop in
between (so no notification can have arrived), on both backends; and the mark's file is
kept open between reads without missing a file made anew under its name.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ringforward.service.provisioning import DEMO_USER_ID
from ringforward.store.database import Database
from ringforward.store.shared_mark import SharedMark
from tests.service.conftest import database_pair
from tests.service.test_principal_cache import write
from tests.service.test_structure_stamp import put_rule

pytestmark = pytest.mark.anyio
# A change of structure: the demo user becomes an administrator.
PROMOTE = "UPDATE extensions SET is_admin = true WHERE id = :ext"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def workers(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[tuple[Database, Database]]:
    async with database_pair(str(request.param), tmp_path, same_host=True) as databases:
        yield databases


async def test_both_stamps_from_one_read_agree_with_each_taken_alone(
    workers: tuple[Database, Database],
) -> None:
    here, _there = workers
    stamps = here.changes.stamps()
    assert None not in stamps
    assert stamps == (here.changes.stamp(), here.changes.structure_stamp())


async def test_a_write_of_another_worker_moves_both_stamps_by_the_next_read(
    workers: tuple[Database, Database],
) -> None:
    here, there = workers
    for content_only in (True, False):
        stamp, structure = here.changes.stamps()
        # Nothing runs on ``here`` between the write's return and the read.
        await (put_rule(there, 4) if content_only else write(there, PROMOTE, ext=DEMO_USER_ID))
        after = here.changes.stamps()
        assert after[0] != stamp
        assert after[1] != structure  # another process's write cannot be told apart


async def test_a_content_only_write_of_this_worker_keeps_the_structure_stamp(
    workers: tuple[Database, Database],
) -> None:
    here, _there = workers
    stamp, structure = here.changes.stamps()
    await put_rule(here, 4)
    after_rule = here.changes.stamps()
    assert after_rule[0] != stamp
    assert after_rule[1] == structure
    await write(here, PROMOTE, ext=DEMO_USER_ID)
    assert here.changes.stamps()[1] != structure


@pytest.mark.postgres
async def test_a_host_change_file_made_anew_is_still_read(tmp_path: Path) -> None:
    async with database_pair("postgresql", tmp_path, same_host=True) as (here, there):
        for count in (4, 3):
            await put_rule(there, count)
        here.changes.stamps()  # the file is opened and kept open
        (changes_file,) = (tmp_path / "host-1").iterdir()
        changes_file.unlink()
        before = host_mark(here)
        await put_rule(there, 4)  # makes a new file under the same name
        assert changes_file.exists()
        # Read from the new file, not the one kept open (notifications aside: they
        # may have arrived meanwhile, and are another part of the stamp).
        assert host_mark(here) != before


def host_mark(db: Database) -> object:
    stamp = db.changes.stamps()[0]
    assert isinstance(stamp, tuple)
    return stamp[-1]


def test_a_shared_mark_reads_the_file_as_it_is_now(tmp_path: Path) -> None:
    path = tmp_path / "mark"
    mark = SharedMark(str(path), 8)
    try:
        assert mark.read() == b""  # no file yet
        path.write_bytes(b"\x01" * 8)
        assert mark.read() == b"\x01" * 8
        fd = os.open(path, os.O_WRONLY)
        os.pwrite(fd, b"\x02", 0)  # another process's write, in place
        os.close(fd)
        assert mark.read() == b"\x02" + b"\x01" * 7
        path.unlink()
        path.write_bytes(b"\x03" * 10)  # a new file under the same name
        assert mark.read() == b"\x03" * 8
        path.unlink()
        assert mark.read() == b""
    finally:
        mark.close()
    assert SharedMark(None, 8).read() is None
