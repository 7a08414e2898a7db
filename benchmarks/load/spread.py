"""The many-extension PUT: extensions of the demo account, each with a forwarding number.

``PUT-64EXT`` writes the business-hours rule of 64 extensions in turn (the demo admin's
and 63 more made here), so that concurrent requests write different extensions; each
rule's group 1 rings the extension's own forwarding number, and each PUT sets its ring
count to 4 or 3, as the single-rule ``PUT`` does.
"""

from __future__ import annotations

import asyncio

import httpx

from ringforward.service.provisioning import DEMO_ACCOUNT_ID, DEMO_ADMIN_ID, add_extension
from ringforward.store.database import Database

METHOD = "PUT-64EXT"
EXTENSIONS = 64
PASSWORD = "Bench-Passw0rd"


async def _add_extensions(db_url: str, count: int) -> list[str]:
    db = Database(db_url)
    try:
        return [
            (
                await add_extension(
                    db,
                    account_id=DEMO_ACCOUNT_ID,
                    extension_number=f"9{index:03d}",
                    name=f"Load {index}",
                    email=f"load{index}@example.com",
                    password=PASSWORD,
                )
            ).id
            for index in range(count)
        ]
    finally:
        await db.dispose()


def prepare_targets(base_url: str, db_url: str, token: str) -> list[str]:
    """``extension:number`` for each of the 64 extensions, their numbers registered."""
    extension_ids = [DEMO_ADMIN_ID, *asyncio.run(_add_extensions(db_url, EXTENSIONS - 1))]
    targets = []
    with httpx.Client(
        base_url=f"{base_url}/restapi/v1.0/account/~",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    ) as client:
        for index, extension_id in enumerate(extension_ids):
            listed = client.get(f"/extension/{extension_id}/forwarding-number").json()
            numbers = [record["id"] for record in listed["records"]]
            if not numbers:
                created = client.post(
                    f"/extension/{extension_id}/forwarding-number",
                    json={"phoneNumber": f"+1212555{index:04d}", "label": "Load"},
                )
                created.raise_for_status()
                numbers = [created.json()["id"]]
            targets.append(f"{extension_id}:{numbers[0]}")
    return targets


def ceiling_targets() -> list[str]:
    """The same spread of paths for the ceiling, which keeps one rule whatever the path."""
    return [f"{90000000 + index}:{70000000 + index}" for index in range(EXTENSIONS)]
