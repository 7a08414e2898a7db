"""Answering connects the call and cancels the rest; rules pick who rings (1 s per ring)."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.sip.conftest import StackFactory
from tests.sip.harness import eventually
from tests.sip.test_timeline_calls import TOLERANCE, call_start, first_at, received
from tests.support.servers import CLIENT_ID, CLIENT_SECRET, PASSWORD


def test_answered_branch_connects_and_the_others_are_cancelled(sip_stack: StackFactory) -> None:
    stack = sip_stack(phone="answer.xml")
    caller = stack.caller("+16505550101")
    assert caller.run(stack.proxy_target) == 0, "the call was not connected"
    call_id, start = call_start(caller)

    # The softphone answered after 0.3 s: the gateway's branch is cancelled then, not at 3 s.
    cancel = first_at(received(stack.gateway, call_id, "CANCEL"), start)
    assert cancel < 1.5
    # ACK and the caller's BYE reached the phone through the proxy; voicemail never rang.
    assert received(stack.phone, call_id, "ACK")
    assert received(stack.phone, call_id, "BYE")
    assert not received(stack.voicemail, call_id, "INVITE")


def test_the_answering_phone_can_hang_up(sip_stack: StackFactory) -> None:
    stack = sip_stack(phone="answer_hangup.xml")
    caller = stack.caller("+16505550101", scenario="call_callee_hangs_up.xml")
    assert caller.run(stack.proxy_target) == 0, "the callee's BYE did not reach the caller"
    call_id, _ = call_start(caller)
    assert eventually(lambda: [m for m in caller.messages() if not m.sent and m.method == "BYE"])
    # The phone got the 200 OK to its BYE back through the proxy.
    byes_answered = eventually(
        lambda: [
            m
            for m in stack.phone.messages()
            if not m.sent
            and m.call_id == call_id
            and m.first_line.startswith("SIP/2.0 200")
            and "BYE" in m.text
        ]
    )
    assert byes_answered


def test_after_hours_goes_straight_to_voicemail(sip_stack: StackFactory) -> None:
    stack = sip_stack(clock="2026-11-30T20:00")
    caller = stack.caller("+16505550101")
    assert caller.run(stack.proxy_target) == 0
    call_id, start = call_start(caller)
    assert (
        abs(first_at(received(stack.voicemail, call_id, "INVITE", "22222222"), start)) <= TOLERANCE
    )
    assert not received(stack.phone, call_id, "INVITE")
    assert not received(stack.gateway, call_id, "INVITE")


def test_the_vip_caller_is_forwarded(sip_stack: StackFactory) -> None:
    stack = sip_stack(gateway="answer.xml")
    caller = stack.caller("+16505550101", caller="+14155550199")
    assert caller.run(stack.proxy_target) == 0
    call_id, start = call_start(caller)
    assert (
        abs(first_at(received(stack.gateway, call_id, "INVITE", "+16505550100"), start))
        <= TOLERANCE
    )
    assert not received(stack.phone, call_id, "INVITE")
    assert not received(stack.voicemail, call_id, "INVITE")


def test_a_number_added_with_groups_add_rings_on_the_next_call(sip_stack: StackFactory) -> None:
    stack = sip_stack()
    env = {
        **os.environ,
        "RINGCENTRAL_SERVER_URL": stack.server.base_url,
        "RINGCENTRAL_CLIENT_ID": CLIENT_ID,
        "RINGCENTRAL_CLIENT_SECRET": CLIENT_SECRET,
        "RINGCENTRAL_USERNAME": "admin@example.com",
        "RINGCENTRAL_PASSWORD": PASSWORD,
    }
    added = subprocess.run(
        [sys.executable, "-m", "ringforward.cli.main", "groups", "add", "+16505550188"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert added.returncode == 0, added.stdout + added.stderr
    caller = stack.caller("+16505550101")
    assert caller.run(stack.proxy_target) == 0
    call_id, start = call_start(caller)
    assert (
        abs(first_at(received(stack.gateway, call_id, "INVITE", "+16505550188"), start))
        <= TOLERANCE
    )


def test_a_caller_hanging_up_while_it_rings_cancels_every_branch(sip_stack: StackFactory) -> None:
    stack = sip_stack()
    caller = stack.caller("+16505550101", scenario="call_cancelled.xml")
    assert caller.run(stack.proxy_target) == 0, "no 487 after the caller's CANCEL"
    call_id, start = call_start(caller)
    # Cancelled at 1.5 s, before the 3 rings end: both branches stop, voicemail never rings.
    assert abs(first_at(received(stack.phone, call_id, "CANCEL"), start) - 1.5) <= TOLERANCE
    assert abs(first_at(received(stack.gateway, call_id, "CANCEL"), start) - 1.5) <= TOLERANCE
    assert not received(stack.voicemail, call_id, "INVITE")
