"""Refusals and faults: bad credentials, untrusted sources, unknown numbers, service down."""

from __future__ import annotations

import socket

from tests.sip.conftest import StackFactory
from tests.sip.harness import invite_once
from tests.sip.test_timeline_calls import received


def test_a_phone_with_a_wrong_password_or_unknown_id_cannot_register(
    sip_stack: StackFactory,
) -> None:
    stack = sip_stack(register=False)
    # register_refused.xml passes only when the authenticated REGISTER gets 403.
    assert stack.register(password="not-the-password", refused=True) == 0
    assert stack.register(auth_id="99999999", refused=True) == 0
    # Nothing was registered: the app branch has nobody to ring.
    caller = stack.caller("+16505550101")
    assert caller.run(stack.proxy_target) == 0
    assert not stack.phone.messages()
    assert stack.register() == 0


def test_an_invite_from_an_untrusted_source_is_refused(sip_stack: StackFactory) -> None:
    stack = sip_stack()
    outcome = invite_once(stack.proxy.port, "+16505550101")
    assert outcome.status == 403
    assert not stack.gateway.messages() and not stack.phone.messages()


def test_a_call_to_an_unknown_number_gets_404(sip_stack: StackFactory) -> None:
    stack = sip_stack()
    outcome = invite_once(stack.proxy.port, "+16505559999", local_port=stack.carrier_port)
    assert outcome.status == 404


def test_service_down_gives_503_within_2_s_and_routing_recovers(sip_stack: StackFactory) -> None:
    stack = sip_stack()
    stack.server.stop()
    outcome = invite_once(stack.proxy.port, "+16505550101", local_port=stack.carrier_port)
    assert outcome.status in (480, 503)
    assert outcome.seconds <= 2
    stack.server.start()
    caller = stack.caller("+16505550101")
    assert caller.run(stack.proxy_target) == 0
    call_id = next(m.call_id for m in caller.messages() if m.sent and m.method == "INVITE")
    assert received(stack.voicemail, call_id, "INVITE", "22222222")


def test_a_service_that_does_not_answer_gives_503_within_2_s(sip_stack: StackFactory) -> None:
    # Accepts connections (the kernel completes them) but never answers a request.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(64)
        stack = sip_stack(service=f"http://127.0.0.1:{silent.getsockname()[1]}", register=False)
        outcome = invite_once(stack.proxy.port, "+16505550101", local_port=stack.carrier_port)
    assert outcome.status in (480, 503)
    assert outcome.seconds <= 2
