"""What the v2 comm-handling tests share: the enhanced demo's ids, paths and clients."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from tests.support.servers import LiveServer

ENHANCED = "enhanced@example.com"
ENHANCED_USER = "enhanced-user@example.com"
ENHANCED_ACCOUNT_ID = "11111112"
ENHANCED_ADMIN_EXT = "22222232"
ENHANCED_USER_EXT = "22222233"
VIP_RULE_ID = "55555554"
DEMO_PHONE = "+16505550100"

V2 = "/restapi/v2/accounts/{accountId}/extensions/{extensionId}/comm-handling"
STATES_SPEC = f"{V2}/states"
STATE_SPEC = f"{V2}/states/{{stateId}}"
STATE_RULES_SPEC = f"{V2}/voice/state-rules"
STATE_RULE_SPEC = f"{V2}/voice/state-rules/{{stateId}}"
INTERACTION_RULES_SPEC = f"{V2}/voice/interaction-rules"
INTERACTION_RULE_SPEC = f"{V2}/voice/interaction-rules/{{ruleId}}"
TARGETS_SPEC = f"{V2}/voice/forwarding-targets"
DEVICE_EXTENSIONS_SPEC = f"{V2}/voice/forwarding-targets/devices/{{deviceId}}/extensions"
FEATURES_SPEC = "/restapi/v1.0/account/{accountId}/extension/{extensionId}/features"


def v2(extension: str = "~", account: str = "~") -> str:
    return f"/restapi/v2/accounts/{account}/extensions/{extension}/comm-handling"


@contextmanager
def root_client(server: LiveServer, email: str) -> Iterator[httpx.Client]:
    """A client on the server's root (v2 paths are not under /restapi/v1.0)."""
    with httpx.Client(
        base_url=server.base_url,
        headers={"Authorization": f"Bearer {server.token(email)}"},
        timeout=30,
    ) as client:
        yield client


def ring_group(*numbers: str, duration: int = 15, **fields: Any) -> dict[str, Any]:
    return {
        "type": "RingGroupAction",
        "enabled": True,
        "duration": duration,
        "targets": [
            {"type": "PhoneNumberRingTarget", "destination": {"phoneNumber": n}} for n in numbers
        ],
        **fields,
    }


def voicemail() -> dict[str, Any]:
    return {
        "type": "TerminatingAction",
        "targets": [
            {
                "type": "VoiceMailTerminatingTarget",
                "prompt": {
                    "greeting": {"effectiveGreetingType": "Preset", "preset": {"id": "65536"}}
                },
            }
        ],
    }


def transfer_to(extension_id: str) -> dict[str, Any]:
    """A TerminatingAction handing the call over to another extension."""
    target = {
        "type": "ExtensionTerminatingTarget",
        "dispatchingType": "Terminating",
        "extension": {"id": extension_id},
    }
    return {"type": "TerminatingAction", "targets": [target]}


def group_numbers(dispatching: dict[str, Any]) -> list[list[str]]:
    """The phone numbers of each RingGroupAction, in order."""
    return [
        [t["destination"]["phoneNumber"] for t in a["targets"] if "destination" in t]
        for a in dispatching["actions"]
        if a["type"] == "RingGroupAction"
    ]
