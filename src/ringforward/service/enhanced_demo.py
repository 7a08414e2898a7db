"""The enhanced demo account: the legacy demo's call handling, as v2 states and rules."""

from __future__ import annotations

from typing import Any

from ringforward.domain.comm_handling.model import (
    AFTER_HOURS,
    ENHANCED,
    INTERACTION_RULE,
    WORK_HOURS,
    apps_action,
    default_dispatching,
    voicemail_action,
)
from ringforward.domain.model import Account, Extension
from ringforward.service.comm_setup import set_up_extension
from ringforward.service.secrets import hash_password
from ringforward.store.comm_handling import StoredItem
from ringforward.store.repositories import Repositories

ENHANCED_ACCOUNT_ID = "11111112"
ENHANCED_ADMIN_ID = "22222232"
ENHANCED_USER_ID = "22222233"
ENHANCED_ADMIN_EMAIL = "enhanced@example.com"
ENHANCED_USER_EMAIL = "enhanced-user@example.com"
# Below the answering-rule sequence's first value, so no rule created later takes it.
ENHANCED_VIP_RULE_ID = "55555554"
DEMO_PHONE = "+16505550100"
WEEKDAY_SCHEDULE = {
    day: [{"startTime": "09:00:00", "endTime": "18:00:00"}]
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
}


def _work_hours() -> dict[str, Any]:
    return {
        "type": "RingInOrder",
        "actions": [
            apps_action(),
            {
                "type": "RingGroupAction",
                "enabled": True,
                "duration": 15,
                "customStartOffset": 0,
                "targets": [
                    {
                        "type": "PhoneNumberRingTarget",
                        "name": "My Phone3",
                        "destination": {"phoneNumber": DEMO_PHONE},
                    }
                ],
            },
            voicemail_action(),
        ],
    }


def _vip_rule() -> dict[str, Any]:
    return {
        "id": ENHANCED_VIP_RULE_ID,
        "displayName": "VIP caller",
        "enabled": True,
        "conditions": [
            {
                "type": "Interaction",
                "from": [{"phoneNumber": "+14155550199", "name": "VIP"}],
                "to": [],
            }
        ],
        "dispatching": {
            "type": "Terminate",
            "actions": [
                {
                    "type": "TerminatingAction",
                    "targets": [
                        {
                            "type": "PhoneNumberTerminatingTarget",
                            "name": "Phone number",
                            "dispatchingType": "Terminating",
                            "destination": {"phoneNumber": DEMO_PHONE},
                        }
                    ],
                }
            ],
        },
    }


async def load_enhanced_demo(repo: Repositories, password: str) -> None:
    """Account 11111112 with an admin and a user; inside the caller's transaction."""
    comm = repo.comm
    await repo.extensions.insert_account(
        Account(ENHANCED_ACCOUNT_ID, "Enhanced Demo Company", "+16505550200", "America/Los_Angeles")
    )
    await comm.set_generation(ENHANCED_ACCOUNT_ID, ENHANCED)
    admin = Extension(
        ENHANCED_ADMIN_ID,
        ENHANCED_ACCOUNT_ID,
        "101",
        "Enhanced Admin",
        ENHANCED_ADMIN_EMAIL,
        is_admin=True,
        direct_numbers=("+16505550201",),
    )
    user = Extension(
        ENHANCED_USER_ID,
        ENHANCED_ACCOUNT_ID,
        "102",
        "Enhanced User",
        ENHANCED_USER_EMAIL,
        is_admin=False,
        direct_numbers=("+16505550202",),
    )
    for extension in (admin, user):
        await repo.extensions.insert_extension(extension, hash_password(password))
    await set_up_extension(
        comm,
        ENHANCED_ADMIN_ID,
        weekly=WEEKDAY_SCHEDULE,
        dispatching={WORK_HOURS: _work_hours(), AFTER_HOURS: default_dispatching(AFTER_HOURS)},
    )
    await comm.insert(
        ENHANCED_ADMIN_ID,
        StoredItem(
            INTERACTION_RULE, ENHANCED_VIP_RULE_ID, int(ENHANCED_VIP_RULE_ID), 1, _vip_rule()
        ),
    )
    await set_up_extension(comm, ENHANCED_USER_ID)
