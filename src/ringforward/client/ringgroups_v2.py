"""Ring groups on enhanced call handling: RingGroupAction targets of a v2 rule.

The same verbs as on v1 (:class:`RingGroupEditor`), over a translation: each
RingGroupAction is a group whose "numbers" are its targets (a phone target's id is its
E.164 number; other targets are named by type and id), its ring count is ``duration / 5``
and RingInOrder / RingAtOnce is Sequentially / Simultaneously. Groups an edit leaves as
they were are written back untouched (duration, offset, names), and every other action
(apps, greetings, voicemail) keeps its place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any
from urllib.parse import quote

import httpx

from ringforward.client import group_edits
from ringforward.client.errors import RingCentralError
from ringforward.client.forwarding import NumberInfo
from ringforward.client.rest import RingCentralClient
from ringforward.client.ringgroups import EditResult, RingGroupEditor, RuleState
from ringforward.domain.model import (
    AFTER_HOURS_RULE_ID,
    BUSINESS_HOURS_RULE_ID,
    MAX_RING_COUNT,
    MIN_RING_COUNT,
    SECONDS_PER_RING,
    ForwardingGroup,
    ForwardingSettings,
)

FEATURES = "/restapi/v1.0/account/~/extension/~/features"
STATE_IDS = ("work-hours", "after-hours", "dnd", "forward-all-calls", "agent")
# The v1 standard rules name the states that took their place.
V1_RULE_STATES = {BUSINESS_HOURS_RULE_ID: "work-hours", AFTER_HOURS_RULE_ID: "after-hours"}
MODES = {"RingInOrder": "Sequentially", "RingAtOnce": "Simultaneously", "Custom": "Sequentially"}
TYPES = {"Sequentially": "RingInOrder", "Simultaneously": "RingAtOnce"}


def detect_api(client: RingCentralClient) -> str:
    """``"v2"`` when the account uses enhanced call handling, by RingCentral's own test."""
    try:
        body = client.get(FEATURES, params={"featureId": "NewCallHandlingAndForwarding"}).json()
    except RingCentralError:
        return "v1"
    for record in body.get("records", []):
        if record.get("id") == "NewCallHandlingAndForwarding":
            for param in record.get("params", []):
                if param.get("name") == "isNewBackendAvailable":
                    return "v2" if param.get("value") == "true" else "v1"
    return "v1"


def target_id(target: Mapping[str, Any]) -> str:
    kind = str(target.get("type"))
    if "destination" in target:
        return str(target["destination"].get("phoneNumber"))
    if "device" in target:
        return f"{kind}:{target['device'].get('id')}"
    if "extension" in target:
        return f"{kind}:{target['extension'].get('id')}"
    return kind


def _label(target: Mapping[str, Any]) -> str:
    name = target.get("name")
    if isinstance(name, str):
        return name
    if "extension" in target:
        return f"extension {target['extension'].get('id')}"
    return ""


def _groups(dispatching: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [a for a in dispatching.get("actions", []) if a.get("type") == "RingGroupAction"]


def settings_from_dispatching(dispatching: Mapping[str, Any]) -> ForwardingSettings:
    groups = tuple(
        ForwardingGroup(
            index,
            min(max(int(action["duration"]) // SECONDS_PER_RING, MIN_RING_COUNT), MAX_RING_COUNT),
            tuple(target_id(t) for t in action["targets"]),
        )
        for index, action in enumerate(_groups(dispatching), start=1)
    )
    return ForwardingSettings(
        ringing_mode=MODES.get(str(dispatching.get("type")), "Sequentially"), groups=groups
    )


def numbers_of(dispatching: Mapping[str, Any]) -> tuple[NumberInfo, ...]:
    seen: dict[str, NumberInfo] = {}
    for action in _groups(dispatching):
        for target in action["targets"]:
            key = target_id(target)
            phone = target["destination"]["phoneNumber"] if "destination" in target else None
            seen.setdefault(key, NumberInfo(key, phone, _label(target)))
    return tuple(seen.values())


class V2RingGroupEditor(RingGroupEditor):
    """The ring groups of one v2 rule: a state rule, or an interaction rule by id."""

    def __init__(
        self,
        client: RingCentralClient,
        extension: str = "~",
        rule: str = BUSINESS_HOURS_RULE_ID,
        **options: Any,
    ) -> None:
        super().__init__(client, extension, rule, **options)
        base = f"/restapi/v2/accounts/~/extensions/{quote(extension, safe='~')}/comm-handling/voice"
        state = V1_RULE_STATES.get(rule, rule)
        if state in STATE_IDS:
            self._rule_path = f"{base}/state-rules/{state}"
        else:
            self._rule_path = f"{base}/interaction-rules/{quote(rule, safe='')}"
        self._labels: dict[str, str] = {}

    def numbers(self) -> tuple[NumberInfo, ...]:
        return numbers_of(self.client.get(self._rule_path).json()["dispatching"])

    def read(self, numbers: Sequence[NumberInfo] = ()) -> RuleState:
        response = self.client.get(self._rule_path)
        rule = response.json()
        return RuleState(
            rule, response.headers.get("etag"), settings_from_dispatching(rule["dispatching"])
        )

    def show(self) -> EditResult:
        return replace(super().show(), api="v2")

    def _apply(
        self,
        first: RuleState,
        numbers: tuple[NumberInfo, ...],
        operation: group_edits.Operation,
        dry_run: bool,
    ) -> EditResult:
        return replace(super()._apply(first, numbers, operation, dry_run), api="v2")

    def _new_number(self, e164: str, label: str | None) -> NumberInfo:
        """In v2 a phone number is a target of its own: nothing is registered."""
        if label is not None:
            self._labels[e164] = label
        return NumberInfo(e164, e164, label or "")

    # -- the v2 write ------------------------------------------------------------------

    def _body(self, state: RuleState, after: ForwardingSettings) -> dict[str, Any] | None:
        if after == state.settings:
            return None
        return {"dispatching": self._dispatching(state.rule["dispatching"], state.settings, after)}

    def _dispatching(
        self, current: dict[str, Any], before: ForwardingSettings, after: ForwardingSettings
    ) -> dict[str, Any]:
        originals = _groups(current)
        targets = {target_id(t): t for a in originals for t in a["targets"]}
        by_members = {
            (g.number_ids, g.ring_count): action
            for g, action in zip(before.groups, originals, strict=True)
        }
        offsets = {
            target_id(t): a.get("customStartOffset", 0) for a in originals for t in a["targets"]
        }
        groups = []
        for group in after.groups:
            kept = by_members.get((group.number_ids, group.ring_count))
            if kept is not None:
                groups.append(kept)
                continue
            groups.append(
                {
                    "type": "RingGroupAction",
                    "enabled": True,
                    "duration": group.ring_count * SECONDS_PER_RING,
                    "customStartOffset": next(
                        (offsets[i] for i in group.number_ids if i in offsets), 0
                    ),
                    "targets": [targets.get(i) or self._new_target(i) for i in group.number_ids],
                }
            )
        others = [a for a in current["actions"] if a.get("type") != "RingGroupAction"]
        first = next(
            (i for i, a in enumerate(current["actions"]) if a.get("type") == "RingGroupAction"),
            None,
        )
        if first is None:
            terminating = [i for i, a in enumerate(others) if a.get("type") == "TerminatingAction"]
            at = terminating[0] if terminating else len(others)
        else:
            at = sum(1 for a in current["actions"][:first] if a.get("type") != "RingGroupAction")
        actions = [*others[:at], *groups, *others[at:]]
        kind = str(current["type"])
        if after.ringing_mode != before.ringing_mode or (kind == "Terminate" and groups):
            kind = TYPES[after.ringing_mode]
        if (
            not groups
            and kind != "Terminate"
            and not any(a.get("type") == "RingAlwaysGroupAction" for a in actions)
            and any(a.get("type") == "TerminatingAction" for a in actions)
        ):
            kind = "Terminate"
        return {
            **{k: v for k, v in current.items() if k not in ("type", "actions")},
            "type": kind,
            "actions": actions,
        }

    def _new_target(self, number_id: str) -> dict[str, Any]:
        target: dict[str, Any] = {
            "type": "PhoneNumberRingTarget",
            "destination": {"phoneNumber": number_id},
        }
        if self._labels.get(number_id):
            target["name"] = self._labels[number_id]
        return target

    def _write(self, body: dict[str, Any], headers: dict[str, str]) -> httpx.Response:
        return self.client.patch(self._rule_path, json=body, headers=headers)

    def _settings_of(
        self, rule: dict[str, Any], numbers: Sequence[NumberInfo]
    ) -> ForwardingSettings:
        return settings_from_dispatching(rule["dispatching"])
