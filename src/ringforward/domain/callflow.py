"""The call-flow engine: which answering rule takes a call, and who rings from when to when."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from ringforward.domain.errors import not_found
from ringforward.domain.model import (
    Account,
    AnsweringRule,
    BusinessHours,
    Extension,
    ForwardingNumber,
)
from ringforward.domain.phone import DEFAULT_REGION
from ringforward.domain.ring_timeline import (
    APPS,
    Device,
    FinalAction,
    FinalActionName,
    RingStep,
    answer,
    comparable_number,
)
from ringforward.domain.rule_index import rule_index
from ringforward.domain.schedule import Moment, local_time, schedule_holds, schedule_is_given

__all__ = [
    "APPS",
    "MAX_TRANSFERS",
    "Answered",
    "Call",
    "CallFlow",
    "Device",
    "ExtensionCallHandling",
    "FinalAction",
    "FinalActionName",
    "RingStep",
    "RuleRef",
    "TransferHop",
    "answer_here",
    "call_flow_to_json",
    "custom_rule_matches",
    "extension_time_zone",
    "follow_transfers",
    "select_rule",
    "simulate",
]

# Either engine's loaded call handling of one extension.
H = TypeVar("H")

# A transfer chain longer than this is cut off even without a repeated extension, so a
# loader that invents extensions cannot keep the engine busy forever.
MAX_TRANSFERS = 25


@dataclass(frozen=True)
class Call:
    """An incoming call; a naive ``at`` is read in the called extension's time zone."""

    at: datetime
    caller: str | None = None
    called: str | None = None


@dataclass(frozen=True)
class ExtensionCallHandling:
    """Everything the engine needs to know about one extension, already loaded."""

    extension: Extension
    # The extension's own time zone, or the account's when the extension has none.
    time_zone: str
    business_hours: BusinessHours
    rules: tuple[AnsweringRule, ...]
    forwarding_numbers: Mapping[str, ForwardingNumber]


@dataclass(frozen=True)
class RuleRef:
    id: str
    type: str
    name: str

    @classmethod
    def of(cls, rule: AnsweringRule) -> RuleRef:
        return cls(rule.id, rule.type, rule.name)


@dataclass(frozen=True)
class TransferHop:
    """The call reached ``extension_id`` at ``at`` seconds and ``rule`` answered it there."""

    extension_id: str
    at: int
    rule: RuleRef
    action: str


@dataclass(frozen=True)
class CallFlow:
    extension_id: str
    time_zone: str
    local_time: datetime
    rule: RuleRef
    action: str
    steps: tuple[RingStep, ...]
    then: FinalAction
    transfers: tuple[TransferHop, ...] = ()
    loop: tuple[str, ...] | None = None


def extension_time_zone(extension: Extension, account: Account) -> str:
    """The zone a call to ``extension`` is judged in: its own, else the account's."""
    return extension.time_zone or account.time_zone


def _number_in(wanted: str | None, candidates: Iterable[str], region: str) -> bool:
    """True when the already comparable ``wanted`` equals one of ``candidates``."""
    if wanted is None:
        return False
    return any(comparable_number(candidate, region) == wanted for candidate in candidates)


def _comparable(number: str | None, region: str) -> str | None:
    return None if number is None else comparable_number(number, region)


def _matches(
    rule: AnsweringRule, caller: str | None, called: str | None, moment: Moment, region: str
) -> bool:
    timed = schedule_is_given(rule.schedule)
    if not (rule.callers or rule.called_numbers or timed):
        # The platform refuses a custom rule without a condition; one that slipped
        # through must not swallow every call.
        return False
    if rule.callers and not _number_in(caller, (entry.caller_id for entry in rule.callers), region):
        return False
    if rule.called_numbers and not _number_in(called, rule.called_numbers, region):
        return False
    return not timed or rule.schedule is None or schedule_holds(rule.schedule, moment)


def custom_rule_matches(
    rule: AnsweringRule, handling: ExtensionCallHandling, call: Call, *, region: str
) -> bool:
    """True when every condition the rule gives holds; a rule giving none never matches."""
    moment = Moment.of(call.at, handling.time_zone, handling.business_hours)
    return _matches(
        rule, _comparable(call.caller, region), _comparable(call.called, region), moment, region
    )


def select_rule(
    handling: ExtensionCallHandling, call: Call, *, region: str = DEFAULT_REGION
) -> AnsweringRule:
    """The answering rule that takes ``call``.

    Enabled custom rules are tried in creation order (``position``); the first whose
    every condition holds wins. Otherwise business-hours-rule inside business hours and
    after-hours-rule outside them (never, when business hours are 24/7).
    """
    moment = Moment.of(call.at, handling.time_zone, handling.business_hours)
    caller = _comparable(call.caller, region)
    called = _comparable(call.called, region)
    # Only the rules filed under this call's caller, number, day, date or side of business
    # hours can match; the full check below still decides.
    index = rule_index(handling.rules, handling.time_zone, region, comparable_number)
    for rank in index.candidates(caller, called, moment):
        rule = index.ordered[rank]
        if _matches(rule, caller, called, moment, region):
            return rule
    wanted = "BusinessHours" if moment.in_business_hours else "AfterHours"
    for rule in handling.rules:
        if rule.type == wanted:
            return rule
    raise not_found("business-hours-rule" if moment.in_business_hours else "after-hours-rule")


@dataclass(frozen=True)
class Answered:
    """How one extension answers a call by itself: the rule that takes it, who rings when
    and how it ends. ``hands_over`` marks a rule that passes the call on at once (v1
    TransferToExtension, a v2 Terminate dispatching ending in an extension): its ``then``
    is the Transfer that :func:`follow_transfers` follows."""

    rule: RuleRef
    action: str
    steps: tuple[RingStep, ...]
    then: FinalAction
    hands_over: bool = False


def follow_transfers(
    handling: H,
    call: Call,
    *,
    extension_id: str,
    time_zone: str,
    answer: Callable[[H, Call], Answered],
    load_extension: Callable[[str], H | None],
) -> CallFlow:
    """The whole flow of ``call`` to ``handling``'s extension, with either engine.

    ``answer`` says how one extension answers the call by itself; every hand-over is
    followed into its target through ``load_extension`` (None when it is missing or
    outside the account), and the same call is answered there in that extension's own
    time zone. A hand-over back to an extension already in the chain is reported as a
    loop and the call is disconnected; so are a missing target and more than
    ``MAX_TRANSFERS`` hops. Both engines (v1 answering rules, v2 comm handling) end here.
    """
    local = local_time(call.at, time_zone)
    # Pin the instant once, so a transfer to an extension in another zone keeps it.
    call = Call(local, call.caller, call.called)
    first = answer(handling, call)
    chain = [extension_id]
    hops: list[TransferHop] = []
    loop: tuple[str, ...] | None = None
    current = first
    ended: FinalAction | None = None
    while current.hands_over and current.then.target:
        target_id = current.then.target
        if target_id in chain:
            loop = (*chain, target_id)
            ended = FinalAction("Disconnect", 0, reason="transfer loop: " + " → ".join(loop))
            break
        if len(hops) >= MAX_TRANSFERS:
            reason = f"more than {MAX_TRANSFERS} transfers in a row"
            ended = FinalAction("Disconnect", 0, reason=reason)
            break
        target = load_extension(target_id)
        if target is None:
            ended = FinalAction("Disconnect", 0, reason=f"extension {target_id} not found")
            break
        current = answer(target, call)
        chain.append(target_id)
        hops.append(TransferHop(target_id, 0, current.rule, current.action))
    return CallFlow(
        extension_id=extension_id,
        time_zone=time_zone,
        local_time=local,
        rule=first.rule,
        action=first.action,
        steps=() if ended is not None else current.steps,
        then=ended if ended is not None else current.then,
        transfers=tuple(hops),
        loop=loop,
    )


def answer_here(
    handling: ExtensionCallHandling, call: Call, *, region: str = DEFAULT_REGION
) -> Answered:
    """How ``handling``'s extension answers ``call`` by itself (transfers not followed)."""
    rule = select_rule(handling, call, region=region)
    ref, action = RuleRef.of(rule), rule.call_handling_action
    if action == "TransferToExtension":
        target_id = rule.transfer_extension_id
        if not target_id:
            reason = "transfer.extension.id is not set"
            return Answered(ref, action, (), FinalAction("Disconnect", 0, reason=reason))
        return Answered(ref, action, (), FinalAction("Transfer", 0, target_id), hands_over=True)
    steps, then = answer(rule, handling.extension.id, handling.forwarding_numbers, region=region)
    return Answered(ref, action, tuple(steps), then)


def simulate(
    handling: ExtensionCallHandling,
    call: Call,
    *,
    load_extension: Callable[[str], ExtensionCallHandling | None],
    region: str = DEFAULT_REGION,
) -> CallFlow:
    """The whole flow of ``call``: the rule that answers, who rings when, how it ends.

    TransferToExtension is followed through ``load_extension`` (which must answer None
    for an extension that is missing or outside the account); a transfer back to an
    extension already in the chain is reported as a loop and the call is disconnected.
    """
    return follow_transfers(
        handling,
        call,
        extension_id=handling.extension.id,
        time_zone=handling.time_zone,
        answer=lambda target, pinned: answer_here(target, pinned, region=region),
        load_extension=load_extension,
    )


# The document is a wire format and lives in ``ringforward.wire``; the name stays here for
# code written against the engine's earlier interface.
from ringforward.wire.callflow import call_flow_json as call_flow_to_json  # noqa: E402
