"""A hundred calls at once, to two extensions, each routed by its own rules."""

from __future__ import annotations

from pathlib import Path

from tests.sip.conftest import StackFactory
from tests.sip.harness import SCENARIOS, Message, Sipp, eventually

CALLS = 100
# Extension 22222222 by its direct number (app, +16505550100, then voicemail after 3
# rings); extension 22222223 by its id (no devices, no numbers: voicemail after its
# apps' 5 rings pass with nobody to ring).
CALLED = {"+16505550101": "22222222", "22222223": "22222223"}


def by_call(messages: list[Message], method: str) -> dict[str, Message]:
    found: dict[str, Message] = {}
    for message in messages:
        if not message.sent and message.method == method:
            found.setdefault(message.call_id, message)
    return found


def test_a_hundred_parallel_calls_are_each_routed_correctly(
    sip_stack: StackFactory, tmp_path: Path
) -> None:
    stack = sip_stack()
    scenario = tmp_path / "call_from_list.xml"
    scenario.write_text((SCENARIOS / "call.xml").read_text().replace("[service]", "[field0]"))
    numbers = tmp_path / "numbers.csv"
    numbers.write_text("SEQUENTIAL\n" + "".join(f"{n};\n" for n in CALLED))
    caller = stack.caller(
        "unused",
        scenario=str(scenario),
        args=("-inf", str(numbers), "-m", str(CALLS), "-r", str(CALLS), "-l", str(CALLS)),
    )
    assert caller.run(stack.proxy_target, timeout=120) == 0, "not every call was answered"

    invites = [m for m in caller.messages() if m.sent and m.method == "INVITE"]
    called = {m.call_id: m.request_user for m in invites}
    assert len(called) == CALLS

    def every_call(sipp: Sipp) -> dict[str, Message]:
        found = by_call(sipp.messages(), "INVITE")
        return found if found.keys() >= called.keys() else {}

    voicemail = eventually(lambda: every_call(stack.voicemail))
    assert voicemail, "voicemail did not get an INVITE for every call"
    gateway = by_call(stack.gateway.messages(), "INVITE")
    phone = by_call(stack.phone.messages(), "INVITE")
    for call_id, number in called.items():
        assert voicemail[call_id].request_user == CALLED[number], (call_id, number)
        if CALLED[number] == "22222222":
            assert gateway[call_id].request_user == "+16505550100"
            assert call_id in phone
        else:
            assert call_id not in gateway and call_id not in phone
