"""Calls ring on the timeline: apps and groups, cancel, voicemail (1 s per ring)."""

from __future__ import annotations

from tests.sip.conftest import SipStack, StackFactory
from tests.sip.harness import Message, Sipp, eventually

TOLERANCE = 0.5


def call_start(caller: Sipp) -> tuple[str, float]:
    """Call-ID and send time of the caller's INVITE."""
    invite = next(m for m in caller.messages() if m.sent and m.method == "INVITE")
    return invite.call_id, invite.at


def received(sipp: Sipp, call_id: str, method: str, user: str | None = None) -> list[Message]:
    """The messages ``sipp`` received for the call (waiting briefly for late traces)."""
    return eventually(
        lambda: [
            m
            for m in sipp.messages()
            if not m.sent
            and m.call_id == call_id
            and m.method == method
            and (user is None or m.request_user == user)
        ]
    )


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


def put_forwarding(stack_server: object, rules: list[dict[str, object]], **extra: object) -> None:
    from tests.support.servers import LiveServer

    assert isinstance(stack_server, LiveServer)
    with stack_server.client() as api:
        response = api.put(
            "/account/~/extension/~/answering-rule/business-hours-rule",
            json={"forwarding": {"rules": rules, **extra}},
        )
        assert response.status_code == 200, response.text


def add_number(stack_server: object, phone: str) -> str:
    from tests.support.servers import LiveServer

    assert isinstance(stack_server, LiveServer)
    with stack_server.client() as api:
        response = api.post(
            "/account/~/extension/~/forwarding-number", json={"phoneNumber": phone, "label": "Two"}
        )
        assert response.status_code == 200, response.text
        number_id: str = response.json()["id"]
        return number_id


def call_two_groups(sip_stack: StackFactory, mode: str) -> tuple[SipStack, str, float]:
    """A call to the demo admin with the demo number in group 1 (3 rings) and a second
    number in group 2 (2 rings), rung in ``mode``; the stack, Call-ID and start."""
    stack = sip_stack()
    second = add_number(stack.server, "+16505550177")
    put_forwarding(
        stack.server,
        [
            {"index": 1, "ringCount": 3, "forwardingNumbers": [{"id": "33333333"}]},
            {"index": 2, "ringCount": 2, "forwardingNumbers": [{"id": second}]},
        ],
        ringingMode=mode,
    )
    caller = stack.caller("+16505550101")
    assert caller.run(stack.proxy_target) == 0
    call_id, start = call_start(caller)
    return stack, call_id, start


def test_second_group_starts_when_the_first_ones_rings_end(sip_stack: StackFactory) -> None:
    stack, call_id, start = call_two_groups(sip_stack, "Sequentially")

    first = received(stack.gateway, call_id, "INVITE", "+16505550100")
    assert abs(first_at(first, start)) <= TOLERANCE
    assert (
        abs(first_at(received(stack.gateway, call_id, "CANCEL", "+16505550100"), start) - 3)
        <= TOLERANCE
    )
    group_two = received(stack.gateway, call_id, "INVITE", "+16505550177")
    assert abs(first_at(group_two, start) - 3) <= TOLERANCE
    assert (
        abs(first_at(received(stack.gateway, call_id, "CANCEL", "+16505550177"), start) - 5)
        <= TOLERANCE
    )
    voicemail = received(stack.voicemail, call_id, "INVITE", "22222222")
    assert abs(first_at(voicemail, start) - 5) <= TOLERANCE


def test_simultaneous_mode_starts_every_group_at_zero(sip_stack: StackFactory) -> None:
    stack, call_id, start = call_two_groups(sip_stack, "Simultaneously")

    for number in ("+16505550100", "+16505550177"):
        assert abs(first_at(received(stack.gateway, call_id, "INVITE", number), start)) <= TOLERANCE
    assert abs(first_at(received(stack.phone, call_id, "INVITE"), start)) <= TOLERANCE
    # The list lasts as long as its longest group: 3 rings.
    voicemail = received(stack.voicemail, call_id, "INVITE", "22222222")
    assert abs(first_at(voicemail, start) - 3) <= TOLERANCE
