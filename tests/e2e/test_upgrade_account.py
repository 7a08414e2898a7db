"""``ringforward admin upgrade-account``: the demo's answers over a grid stay identical."""

from __future__ import annotations

import asyncio
import itertools
import subprocess
import sys
from pathlib import Path
from typing import Any

from ringforward.service.callflow import cli_principal, simulate_call
from ringforward.service.provisioning import load_demo
from ringforward.store.database import Database, migrate
from ringforward.wire.callflow import call_flow_json
from tests.e2e.test_admin_provisioning import admin
from tests.unit.test_comm_upgrade_properties import answer_of

EXTENSIONS = ["22222222", "22222223"]
TIMES = [
    f"2026-{month}T{hour}:{minute}"
    for month, hour, minute in itertools.product(
        ["11-30", "12-05", "03-08", "11-01"],
        ["00", "08", "09", "12", "17", "18", "23"],
        ["00", "59"],
    )
]
CALLERS = [None, "+14155550199", "(415) 555-0199", "+12065550123"]


async def _grid(url: str) -> dict[tuple[str, str, str | None], Any]:
    db = Database(url)
    try:
        answers = {}
        for extension in EXTENSIONS:
            principal = await cli_principal(db, extension)
            for at, caller in itertools.product(TIMES, CALLERS):
                flow = await simulate_call(
                    db, principal, "~", extension, at=at, caller=caller, called=None
                )
                answers[(extension, at, caller)] = answer_of(call_flow_json(flow))
        return answers
    finally:
        await db.dispose()


async def _demo(url: str) -> None:
    await migrate(url)
    db = Database(url)
    try:
        assert await load_demo(db)
    finally:
        await db.dispose()


def test_upgrading_the_demo_keeps_every_answer(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    asyncio.run(_demo(url))
    before = asyncio.run(_grid(url))
    result = admin(url, "upgrade-account", "11111111")
    assert result.returncode == 0, result.stderr
    after = asyncio.run(_grid(url))
    assert after == before
    assert len(before) == len(EXTENSIONS) * len(TIMES) * 4
    again = admin(url, "upgrade-account", "11111111")
    assert again.returncode == 1 and "enhanced" in again.stderr
    simulated = subprocess.run(
        [
            sys.executable,
            "-m",
            "ringforward.cli.main",
            "simulate",
            "--extension",
            "22222222",
            "--at",
            "2026-11-30T10:00",
            "--json",
            "--db",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert '"StateRule"' in simulated.stdout
