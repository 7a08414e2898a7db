"""``ringforward admin upgrade-account``: the demo's answers over a grid stay identical.

The demo data gets transfers first (made through the v1 rule use case, as a client
would): the user hands calls from one caller over to the admin, and calls from another
caller bounce between the two (a loop), so the grid covers followed transfers and loops.
"""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path
from typing import Any

from ringforward.service.answering_rules import create_custom_rule
from ringforward.service.callflow import cli_principal, simulate_call
from ringforward.service.provisioning import load_demo
from ringforward.service.scope import ExtensionCall
from ringforward.store.database import Database, migrate
from ringforward.wire.callflow import call_flow_json
from tests.e2e.test_admin_provisioning import admin
from tests.support.cli import run_cli
from tests.unit.test_comm_upgrade_properties import answer_of, hops_of

EXTENSIONS = ["22222222", "22222223"]
TIMES = [
    f"2026-{month}T{hour}:{minute}"
    for month, hour, minute in itertools.product(
        ["11-30", "12-05", "03-08", "11-01"],
        ["00", "08", "09", "12", "17", "18", "23"],
        ["00", "59"],
    )
]
TO_ADMIN, BOUNCING = "+12065550123", "+12065550124"
CALLERS = [None, "+14155550199", "(415) 555-0199", TO_ADMIN, BOUNCING]
TRANSFERS = [
    # (extension, caller, transfer target)
    ("22222223", TO_ADMIN, "22222222"),
    ("22222223", BOUNCING, "22222222"),
    ("22222222", BOUNCING, "22222223"),
]


async def _grid(url: str) -> dict[tuple[str, str, str | None], Any]:
    db = Database(url)
    try:
        answers = {}
        for extension in EXTENSIONS:
            principal = await cli_principal(db, extension)
            for at, caller in itertools.product(TIMES, CALLERS):
                ext = ExtensionCall(db, principal, "~", extension)
                flow = await simulate_call(ext, at=at, caller=caller, called=None)
                document = call_flow_json(flow)
                answers[(extension, at, caller)] = (
                    answer_of(document),
                    hops_of(document),
                    document["loop"],
                )
        return answers
    finally:
        await db.dispose()


async def _demo(url: str) -> None:
    await migrate(url)
    db = Database(url)
    try:
        assert await load_demo(db)
        for extension, caller, target in TRANSFERS:
            await create_custom_rule(
                ExtensionCall(db, await cli_principal(db, extension), "~", extension),
                {
                    "type": "Custom",
                    "name": f"{caller} to {target}",
                    "callers": [{"callerId": caller}],
                    "callHandlingAction": "TransferToExtension",
                    "transfer": {"extension": {"id": target}},
                },
            )
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
    assert len(before) == len(EXTENSIONS) * len(TIMES) * len(CALLERS)
    # The grid holds followed transfers and loops, both unchanged.
    assert before[("22222223", "2026-11-30T12:00", TO_ADMIN)][1] == [("22222222", 0, "work-hours")]
    assert before[("22222223", "2026-11-30T12:00", TO_ADMIN)][0][1] == "Voicemail"
    assert before[("22222222", "2026-11-30T12:00", BOUNCING)][2] == [
        "22222222",
        "22222223",
        "22222222",
    ]
    again = admin(url, "upgrade-account", "11111111")
    assert again.returncode == 1 and "enhanced" in again.stderr
    simulated = run_cli(
        "simulate", "--extension", "22222222", "--at", "2026-11-30T10:00", "--json", "--db", url
    )
    assert simulated.returncode == 0, simulated.stderr
    assert '"StateRule"' in simulated.stdout
