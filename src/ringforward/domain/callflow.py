"""The call-flow engine: which answering rule takes a call, and who rings from when to when."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

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
from ringforward.domain.schedule import Moment, local_time, schedule_holds, schedule_is_given

__all__ = [
    "APPS",
    "MAX_TRANSFERS",
    "Call",
    "CallFlow",
    "Device",
    "ExtensionCallHandling",
    "FinalAction",
    "FinalActionName",
    "RingStep",
    "RuleRef",
    "TransferHop",
    "call_flow_to_json",
    "custom_rule_matches",
    "extension_time_zone",
    "select_rule",
    "simulate",
]

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
    customs = sorted(
        (rule for rule in handling.rules if rule.is_custom and rule.enabled),
        key=lambda rule: rule.position,
    )
    for rule in customs:
        if _matches(rule, caller, called, moment, region):
            return rule
    wanted = "BusinessHours" if moment.in_business_hours else "AfterHours"
    for rule in handling.rules:
        if rule.type == wanted:
            return rule
    raise not_found("business-hours-rule" if moment.in_business_hours else "after-hours-rule")


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
    first_local = local_time(call.at, handling.time_zone)
    # Pin the instant once, so a transfer to an extension in another zone keeps it.
    call = Call(first_local, call.caller, call.called)
    first_rule = select_rule(handling, call, region=region)
    chain = [handling.extension.id]
    hops: list[TransferHop] = []
    loop: tuple[str, ...] | None = None
    current, rule = handling, first_rule
    steps: list[RingStep] = []
    then: FinalAction | None = None
    while rule.call_handling_action == "TransferToExtension":
        target_id = rule.transfer_extension_id
        if not target_id:
            then = FinalAction("Disconnect", 0, reason="transfer.extension.id is not set")
            break
        if target_id in chain:
            loop = (*chain, target_id)
            then = FinalAction("Disconnect", 0, reason="transfer loop: " + " → ".join(loop))
            break
        if len(hops) >= MAX_TRANSFERS:
            reason = f"more than {MAX_TRANSFERS} transfers in a row"
            then = FinalAction("Disconnect", 0, reason=reason)
            break
        target = load_extension(target_id)
        if target is None:
            then = FinalAction("Disconnect", 0, reason=f"extension {target_id} not found")
            break
        chain.append(target_id)
        current = target
        rule = select_rule(current, call, region=region)
        hops.append(TransferHop(target_id, 0, RuleRef.of(rule), rule.call_handling_action))
    if then is None:
        steps, then = answer(rule, current.extension.id, current.forwarding_numbers, region=region)
    return CallFlow(
        extension_id=handling.extension.id,
        time_zone=handling.time_zone,
        local_time=first_local,
        rule=RuleRef.of(first_rule),
        action=first_rule.call_handling_action,
        steps=tuple(steps),
        then=then,
        transfers=tuple(hops),
        loop=loop,
    )


# The document is a wire format and lives in ``ringforward.wire``; the name stays here for
# code written against the engine's earlier interface.
from ringforward.wire.callflow import call_flow_json as call_flow_to_json  # noqa: E402
