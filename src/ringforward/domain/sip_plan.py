"""A call flow as SIP forking stages: who gets an INVITE from when, and until when.

The ring timeline says who rings over which seconds. A SIP proxy forks branches, and
changes the set of ringing branches only at instants, so the timeline is cut at every
second where a step starts or ends: each piece (a *stage*) rings its targets in parallel
for its length, then its branches are cancelled and the next stage's are started. A
target that rings across a cut (apps that always ring while group 1 hands over to group 2)
gets a fresh INVITE at the cut. After the last stage the final action follows: a voicemail
or forward stage that rings until answered, or a refusal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

from ringforward.domain.callflow import APPS, CallFlow, RingStep
from ringforward.domain.model import SECONDS_PER_RING
from ringforward.domain.ring_timeline import coworker_id

TargetKind = Literal["device", "gateway", "voicemail"]
# A transfer that leads back into the chain, or more hops than this, ends the call.
MAX_TRANSFER_DEPTH = 10


@dataclass(frozen=True)
class Target:
    """One SIP destination: a registered device (by SIP user name), a number reached
    through the outbound gateway, or an extension's voicemail box."""

    kind: TargetKind
    user: str


@dataclass(frozen=True)
class Stage:
    start_ms: int
    # None: rings until someone answers or the caller hangs up (voicemail, forward).
    duration_ms: int | None
    targets: tuple[Target, ...]


@dataclass(frozen=True)
class SipPlan:
    extension_id: str
    stages: tuple[Stage, ...]
    # What the proxy answers when every stage has passed unanswered.
    final: Literal["Disconnect"]
    reason: str | None = None


@dataclass(frozen=True)
class DeviceDirectory:
    """SIP user names of devices: an extension's apps, and devices by device id."""

    apps: Callable[[str], Sequence[str]]
    device: Callable[[str], str | None]


def _step_targets(step: RingStep, directory: DeviceDirectory) -> list[Target]:
    targets: list[Target] = []
    for ring in step.ring:
        coworker = coworker_id(ring)
        if ring == APPS or coworker is not None:
            # A coworker rings on their apps, as the extension's own apps ring.
            whose = coworker or step.extension_id
            targets.extend(Target("device", user) for user in directory.apps(whose))
        else:
            targets.append(Target("gateway", ring))
    for device in step.devices:
        user = directory.device(device.device_id) if device.device_id else None
        if user is not None:
            targets.append(Target("device", user))
    return targets


def ring_stages(
    steps: Sequence[RingStep], directory: DeviceDirectory, *, ms_per_second: float, offset_ms: int
) -> list[Stage]:
    """Cut the steps at every start and end; each piece rings everyone active over it."""
    cuts = sorted({step.start for step in steps} | {step.end for step in steps})
    stages: list[Stage] = []
    for begin, end in pairwise(cuts):
        targets: list[Target] = []
        for step in steps:
            if step.start <= begin and end <= step.end:
                for target in _step_targets(step, directory):
                    if target not in targets:
                        targets.append(target)
        start_ms = offset_ms + round(begin * ms_per_second)
        stop_ms = offset_ms + round(end * ms_per_second)
        stages.append(Stage(start_ms, stop_ms - start_ms, tuple(targets)))
    return stages


def sip_plan(
    flow: CallFlow,
    directory: DeviceDirectory,
    *,
    seconds_per_ring: float,
    flow_of: Callable[[str], CallFlow | None],
) -> SipPlan:
    """The stages of ``flow`` at ``seconds_per_ring``, following missed-call transfers.

    ``flow_of`` gives the flow of the same call at another extension (None when it does
    not exist); a transfer's stages continue where the transferring extension's end.
    """
    ms_per_second = 1000 * seconds_per_ring / SECONDS_PER_RING
    stages: list[Stage] = []
    # Hand-overs the engine already followed are part of the chain.
    chain = [flow.extension_id, *(hop.extension_id for hop in flow.transfers)]
    offset_ms = 0
    current = flow
    while True:
        stages.extend(
            ring_stages(current.steps, directory, ms_per_second=ms_per_second, offset_ms=offset_ms)
        )
        then = current.then
        at_ms = offset_ms + round(then.at * ms_per_second)
        if then.action == "Voicemail" and then.target:
            stages.append(Stage(at_ms, None, (Target("voicemail", then.target),)))
            break
        if then.action == "Forward" and then.target:
            stages.append(Stage(at_ms, None, (Target("gateway", then.target),)))
            break
        if then.action == "Transfer" and then.target:
            if then.target in chain or len(chain) > MAX_TRANSFER_DEPTH:
                reason = "transfer loop: " + " → ".join((*chain, then.target))
                return SipPlan(flow.extension_id, tuple(stages), "Disconnect", reason)
            following = flow_of(then.target)
            if following is None:
                reason = f"extension {then.target} not found"
                return SipPlan(flow.extension_id, tuple(stages), "Disconnect", reason)
            chain += [then.target, *(hop.extension_id for hop in following.transfers)]
            current, offset_ms = following, at_ms
            continue
        return SipPlan(flow.extension_id, tuple(stages), "Disconnect", then.reason)
    return SipPlan(flow.extension_id, tuple(stages), "Disconnect")
