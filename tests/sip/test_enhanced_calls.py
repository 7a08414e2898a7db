"""Calls to an enhanced (v2 comm-handling) extension ring on its v2 timeline (1 s per ring)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from ringforward.domain.comm_handling.model import voicemail_action
from ringforward.service.enhanced_demo import ENHANCED_ADMIN_EMAIL, ENHANCED_ADMIN_ID
from tests.sip.conftest import StackFactory
from tests.sip.harness import Message, Sipp, eventually
from tests.sip.test_timeline_calls import TOLERANCE, call_start, first_at, received
from tests.support.comm_rest import v2

GROUP_A = "+16505550111"
GROUP_B = "+16505550122"


def _branch(message: Message) -> str:
    """The top Via's branch: a retransmission repeats it, a new fork has its own."""
    match = re.search(r"branch=([^;\s]+)", message.text)
    return match.group(1) if match else message.text


def times(
    sipp: Sipp, call_id: str, method: str, user: str, start: float, count: int
) -> list[float]:
    """Seconds after ``start`` at which ``sipp`` got ``method`` for ``user`` on distinct
    branches, once ``count`` of them came (or, after the harness's wait, what came)."""

    def firsts() -> list[Message]:
        seen: dict[str, Message] = {}
        for message in received(sipp, call_id, method, user):
            seen.setdefault(_branch(message), message)
        return list(seen.values())

    found = eventually(lambda: found if len(found := firsts()) >= count else []) or firsts()
    return [message.at - start for message in found]


def ring_group(number: str, *, duration: int, offset: int) -> dict[str, Any]:
    return {
        "type": "RingGroupAction",
        "enabled": True,
        "duration": duration,
        "customStartOffset": offset,
        "targets": [
            {
                "type": "PhoneNumberRingTarget",
                "name": number,
                "destination": {"phoneNumber": number},
            }
        ],
    }


def test_custom_offsets_ring_overlapping_groups_then_voicemail(sip_stack: StackFactory) -> None:
    stack = sip_stack()
    # Group A over 0-10 s, group B over 5-15 s: at 1 s per ring (5 s), A rings 0-2 s,
    # B 1-3 s, and the voicemail answers from 3 s.
    dispatching = {
        "type": "Custom",
        "actions": [
            ring_group(GROUP_A, duration=10, offset=0),
            ring_group(GROUP_B, duration=10, offset=5),
            voicemail_action(),
        ],
    }
    with stack.server.client(ENHANCED_ADMIN_EMAIL) as api:
        response = api.patch(
            f"{stack.server.base_url}{v2()}/voice/state-rules/work-hours",
            json={"dispatching": dispatching},
        )
        assert response.status_code == 200, response.text

    caller = stack.caller("+16505550201")
    assert caller.run(stack.proxy_target) == 0, "the call was not answered by voicemail"
    call_id, start = call_start(caller)

    # The proxy cuts the timeline where a group starts or ends and re-forks at each cut:
    # A is cancelled and invited again at 1 s (when B joins), B again at 2 s (when A leaves).
    for number, invites in ((GROUP_A, [0, 1]), (GROUP_B, [1, 2])):
        assert times(stack.gateway, call_id, "INVITE", number, start, len(invites)) == (
            pytest.approx(invites, abs=TOLERANCE)
        ), number
    assert times(stack.gateway, call_id, "CANCEL", GROUP_A, start, 2) == (
        pytest.approx([1, 2], abs=TOLERANCE)
    )
    # B's end shows as the voicemail's start: the gateway is one SIPp UAS, which answers
    # only the first fork of a Call-ID, so B's forks get no 180 and, by RFC 3261 9.1, no
    # CANCEL either.
    voicemail = received(stack.voicemail, call_id, "INVITE", ENHANCED_ADMIN_ID)
    assert abs(first_at(voicemail, start) - 3) <= TOLERANCE
    assert received(stack.voicemail, call_id, "BYE")
    # The legacy demo's softphone belongs to another account: it never rings.
    assert not [m for m in stack.phone.messages() if m.call_id == call_id]
