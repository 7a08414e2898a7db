"""Calls ring on the timeline: apps and groups, cancel, voicemail (1 s per ring)."""

from __future__ import annotations

from tests.sip.conftest import StackFactory
from tests.sip.harness import Message, Sipp

TOLERANCE = 0.5


def call_start(caller: Sipp) -> tuple[str, float]:
    """Call-ID and send time of the caller's INVITE."""
    invite = next(m for m in caller.messages() if m.sent and m.method == "INVITE")
    return invite.call_id, invite.at


def received(sipp: Sipp, call_id: str, method: str, user: str | None = None) -> list[Message]:
    return [
        m
        for m in sipp.messages()
        if not m.sent
        and m.call_id == call_id
        and m.method == method
        and (user is None or m.request_user == user)
    ]


def first_at(messages: list[Message], start: float) -> float:
    assert messages, "expected a message that never came"
    return messages[0].at - start


def test_demo_weekday_call_rings_app_and_number_then_voicemail(sip_stack: StackFactory) -> None:
    stack = sip_stack()
    caller = stack.caller("+16505550101")
    assert caller.run(stack.proxy_target) == 0, "the call was not answered by voicemail"
    call_id, start = call_start(caller)

    # 0 s: the softphone and the forwarding number (through the gateway).
    assert abs(first_at(received(stack.phone, call_id, "INVITE"), start)) <= TOLERANCE
    gateway = received(stack.gateway, call_id, "INVITE", "+16505550100")
    assert abs(first_at(gateway, start)) <= TOLERANCE
    # After 3 rings: both cancelled, voicemail of 22222222 rings.
    assert abs(first_at(received(stack.phone, call_id, "CANCEL"), start) - 3) <= TOLERANCE
    assert abs(first_at(received(stack.gateway, call_id, "CANCEL"), start) - 3) <= TOLERANCE
    voicemail = received(stack.voicemail, call_id, "INVITE", "22222222")
    assert abs(first_at(voicemail, start) - 3) <= TOLERANCE
    # Voicemail answered, the caller's ACK and BYE reached it.
    assert received(stack.voicemail, call_id, "ACK")
    assert received(stack.voicemail, call_id, "BYE")
