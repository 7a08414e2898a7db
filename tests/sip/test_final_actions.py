"""When nobody answers: a transfer follows the other extension's rules; disconnect is 480."""

from __future__ import annotations

from tests.sip.conftest import StackFactory
from tests.sip.harness import invite_once
from tests.sip.test_timeline_calls import TOLERANCE, call_start, first_at, received
from tests.support.servers import LiveServer


def set_after_list(server: LiveServer, body: dict[str, object]) -> None:
    with server.client() as api:
        response = api.put("/account/~/extension/~/answering-rule/business-hours-rule", json=body)
        assert response.status_code == 200, response.text


def test_an_unanswered_call_transferred_to_another_extension_rings_by_its_rules(
    sip_stack: StackFactory,
) -> None:
    stack = sip_stack()
    set_after_list(
        stack.server,
        {
            "voicemail": {"enabled": False},
            "missedCall": {"actionType": "ConnectToExtension", "extension": {"id": "22222223"}},
        },
    )
    caller = stack.caller("+16505550101")
    assert caller.run(stack.proxy_target) == 0
    call_id, start = call_start(caller)
    assert abs(first_at(received(stack.gateway, call_id, "CANCEL"), start) - 3) <= TOLERANCE
    # 22222223 rings its apps for one ring (it has none: the call waits), then voicemail.
    voicemail = received(stack.voicemail, call_id, "INVITE")
    assert voicemail[0].request_user == "22222223"
    assert abs(first_at(voicemail, start) - 4) <= TOLERANCE


def test_an_unanswered_call_with_nothing_after_the_list_gets_480(
    sip_stack: StackFactory,
) -> None:
    stack = sip_stack()
    set_after_list(stack.server, {"voicemail": {"enabled": False}})
    outcome = invite_once(stack.proxy.port, "+16505550101", local_port=stack.carrier_port)
    assert outcome.status == 480
    assert abs(outcome.seconds - 3) <= TOLERANCE
    assert not stack.voicemail.messages()
