"""Ring timelines: who rings from which second to which, and how an unanswered call ends."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from ringforward.domain.model import (
    SECONDS_PER_RING,
    AnsweringRule,
    ForwardingNumber,
    ForwardingSettings,
)
from ringforward.domain.phone import DEFAULT_REGION, try_normalize

APPS = "apps"
# A ring entry naming another extension of the account (v2's CoworkerRingTarget).
COWORKER = "extension:"


def coworker_id(entry: str) -> str | None:
    """The extension id a ``ring`` entry names, or None for "apps" and phone numbers."""
    return entry[len(COWORKER) :] if entry.startswith(COWORKER) else None


FinalActionName = Literal["Voicemail", "Disconnect", "Announcement", "Forward", "Transfer"]


@dataclass(frozen=True)
class Device:
    """A forwarding number with no phone number (a PhoneLine desk phone)."""

    forwarding_number_id: str
    device_id: str | None
    label: str


@dataclass(frozen=True)
class RingStep:
    """Targets ringing together over ``[start, end)`` seconds; ``group`` None is the apps."""

    start: int
    end: int
    group: int | None
    ring: tuple[str, ...]
    extension_id: str
    devices: tuple[Device, ...] = ()


@dataclass(frozen=True)
class FinalAction:
    action: FinalActionName
    at: int
    target: str | None = None
    reason: str | None = None


@dataclass
class _Group:
    index: int
    ring_count: int
    ring: list[str] = field(default_factory=list)
    devices: list[Device] = field(default_factory=list)


@lru_cache(maxsize=8192)
def comparable_number(number: str, region: str) -> str:
    """E.164 form of ``number``, or the number as written when it is not a valid one."""
    # Same outcome as phone.same_phone_number, but each distinct number is parsed once,
    # which matters when a hundred rules each list callers.
    return try_normalize(number, region=region) or number.strip()


def _ring_target(number: ForwardingNumber, region: str) -> str | Device:
    if not number.phone_number:
        return Device(number.id, number.device_id, number.label)
    phone = number.phone_number
    return phone if phone.startswith("+") else comparable_number(phone, region)


def _resolve_groups(
    settings: ForwardingSettings,
    forwarding_numbers: Mapping[str, ForwardingNumber],
    *,
    simultaneous: bool,
    region: str,
) -> list[_Group]:
    """Active groups in index order, each with its ring targets; empty groups dropped.

    A number id with no forwarding number behind it (deleted meanwhile) rings nobody.
    A target is listed once per group and, when all groups ring at once, once overall:
    one phone cannot ring twice at the same moment.
    """
    seen: set[str] = set()
    groups: list[_Group] = []
    for source in sorted(settings.groups, key=lambda group: group.index):
        if source.ring_count <= 0:
            continue
        group = _Group(source.index, source.ring_count)
        if not simultaneous:
            seen = set()
        for number_id in source.number_ids:
            number = forwarding_numbers.get(number_id)
            if number is None:
                continue
            target = _ring_target(number, region)
            key = target if isinstance(target, str) else f"device:{target.forwarding_number_id}"
            if key in seen:
                continue
            seen.add(key)
            if isinstance(target, str):
                group.ring.append(target)
            else:
                group.devices.append(target)
        if group.ring or group.devices:
            groups.append(group)
    return groups


def forward_calls_steps(
    settings: ForwardingSettings,
    forwarding_numbers: Mapping[str, ForwardingNumber],
    extension_id: str,
    *,
    region: str = DEFAULT_REGION,
) -> list[RingStep]:
    """The ring steps of a ForwardCalls rule, ordered by start then group (apps first)."""
    simultaneous = settings.ringing_mode == "Simultaneously"
    groups = _resolve_groups(settings, forwarding_numbers, simultaneous=simultaneous, region=region)
    lengths = [group.ring_count * SECONDS_PER_RING for group in groups]
    list_length = (max(lengths, default=0)) if simultaneous else sum(lengths)
    apps_length = max(settings.soft_phones_ring_count, 0) * SECONDS_PER_RING

    apps: tuple[int, int] | None = None
    forwarding_start = 0
    if settings.notify_my_soft_phones:
        if settings.soft_phones_always_ring and groups:
            apps = (0, list_length)
        elif settings.soft_phones_position_top or not groups:
            # An empty list gives "until the list ends" nothing to last for, so the apps
            # then ring for softPhonesRingCount rings whatever softPhonesAlwaysRing says.
            apps = (0, apps_length)
            forwarding_start = apps_length
        else:
            # softPhonesPositionTop false: the apps sit at the bottom of the list.
            apps = (list_length, list_length + apps_length)

    steps: list[RingStep] = []
    if apps is not None and apps[1] > apps[0]:
        steps.append(RingStep(apps[0], apps[1], None, (APPS,), extension_id))
    start = forwarding_start
    for group, length in zip(groups, lengths, strict=True):
        end = forwarding_start + list_length if simultaneous else start + length
        steps.append(
            RingStep(start, end, group.index, tuple(group.ring), extension_id, tuple(group.devices))
        )
        if not simultaneous:
            start = end
    steps.sort(key=lambda step: (step.start, step.group is not None, step.group or 0))
    return steps


def after_list_action(
    rule: AnsweringRule, extension_id: str, at: int, *, region: str = DEFAULT_REGION
) -> FinalAction:
    """What happens when nobody answered: voicemail, else the missed-call action, else end."""
    if rule.voicemail.enabled:
        return FinalAction("Voicemail", at, rule.voicemail.recipient_id or extension_id)
    missed = rule.missed_call
    if missed is None:
        return FinalAction("Disconnect", at)
    if missed.action_type == "PlayGreetingAndDisconnect":
        return FinalAction("Disconnect", at)
    if missed.action_type == "ConnectToExtension":
        if missed.extension_id:
            return FinalAction("Transfer", at, missed.extension_id)
        return FinalAction("Disconnect", at, reason="missedCall.extension.id is not set")
    if missed.action_type == "ConnectToExternalNumber":
        if missed.external_number:
            target = comparable_number(missed.external_number, region)
            return FinalAction("Forward", at, target)
        return FinalAction("Disconnect", at, reason="missedCall.externalNumber is not set")
    return FinalAction("Disconnect", at, reason=f"unknown missedCall action {missed.action_type}")


def answer(
    rule: AnsweringRule,
    extension_id: str,
    forwarding_numbers: Mapping[str, ForwardingNumber],
    *,
    region: str = DEFAULT_REGION,
) -> tuple[list[RingStep], FinalAction]:
    """Ring steps and final action of ``rule`` on its own extension (no transfer followed)."""
    action = rule.call_handling_action
    if action == "ForwardCalls":
        steps = forward_calls_steps(
            rule.forwarding, forwarding_numbers, extension_id, region=region
        )
        end = max((step.end for step in steps), default=0)
        return steps, after_list_action(rule, extension_id, end, region=region)
    if action == "UnconditionalForwarding":
        forwarding = rule.unconditional_forwarding
        if forwarding is None or not forwarding.phone_number:
            reason = "unconditionalForwarding.phoneNumber is not set"
            return [], FinalAction("Disconnect", 0, reason=reason)
        return [], FinalAction("Forward", 0, comparable_number(forwarding.phone_number, region))
    if action == "TakeMessagesOnly":
        return [], FinalAction("Voicemail", 0, rule.voicemail.recipient_id or extension_id)
    if action == "PlayAnnouncementOnly":
        return [], FinalAction("Announcement", 0)
    reason = f"callHandlingAction {action} does not apply to a user extension"
    return [], FinalAction("Disconnect", 0, reason=reason)
