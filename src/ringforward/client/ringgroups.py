"""Editing an extension's ring groups over REST, safely: If-Match when offered, else verify."""

from __future__ import annotations

import difflib
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal
from urllib.parse import quote

import httpx

from ringforward.client import group_edits
from ringforward.client.errors import ClientError, RingCentralError
from ringforward.client.forwarding import (
    NumberInfo,
    describe_lines,
    find_number,
    group_document,
    number_from_json,
    numbers_from_records,
    settings_from_rule,
    update_body,
)
from ringforward.client.group_edits import Operation
from ringforward.client.rest import RingCentralClient
from ringforward.domain.errors import NotFoundError
from ringforward.domain.model import BUSINESS_HOURS_RULE_ID, ForwardingSettings
from ringforward.domain.phone import DEFAULT_REGION, normalize_phone_number

PENDING_PREFIX = "pending:"
WriteMode = Literal["etag", "verify", "none"]


@dataclass(frozen=True)
class SafeWritePolicy:
    """How hard a write tries not to lose anyone's change.

    ETag mode: up to ``max_conflicts`` re-reads after a 412. Verify mode (no ETag):
    after each write, ``settle_reads`` reads spread over ``settle_seconds``; a read that
    shows the change gone re-applies it, at most ``max_reapplies`` times.
    ``use_etags=False`` forces verify mode even on a server that offers ETags.
    """

    max_conflicts: int = 60
    settle_seconds: float = 2.0
    settle_reads: int = 4
    max_reapplies: int = 25
    use_etags: bool = True


@dataclass(frozen=True)
class RuleState:
    rule: dict[str, Any]
    etag: str | None
    settings: ForwardingSettings


@dataclass(frozen=True)
class EditResult:
    """What an edit did: the list before and after, and how it was written."""

    rule_id: str
    before: ForwardingSettings
    after: ForwardingSettings
    numbers: tuple[NumberInfo, ...]
    written: WriteMode = "none"
    dry_run: bool = False
    attempts: int = 0
    registered: NumberInfo | None = None
    # False for a plain read (``groups list``), which has no before/after to report.
    is_edit: bool = True
    # Which call-handling API the list lives in: v1.0 answering rules or v2 comm-handling.
    api: str = "v1"

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def document(self) -> dict[str, Any]:
        """The ``groups list --json`` document of the list after (or as it would be)."""
        return {**group_document(self.rule_id, self.after, self.numbers), "api": self.api}

    def diff_lines(self) -> list[str]:
        """A unified diff of the forwarding list, before → after."""
        # A number this edit registered did not exist before it.
        existed = [n for n in self.numbers if not n.pending and n != self.registered]
        before = describe_lines(self.before, existed)
        after = describe_lines(self.after, self.numbers)
        return list(
            difflib.unified_diff(before, after, "before", "after", n=len(before), lineterm="")
        )


class RingGroupEditor:
    """The ring groups of one rule of one extension (``~`` = the logged-in one)."""

    def __init__(
        self,
        client: RingCentralClient,
        extension: str = "~",
        rule: str = BUSINESS_HOURS_RULE_ID,
        *,
        policy: SafeWritePolicy | None = None,
        region: str = DEFAULT_REGION,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.rule_id = rule
        self.policy = policy or SafeWritePolicy()
        self.region = region
        self._sleep = sleep
        base = f"/restapi/v1.0/account/~/extension/{quote(extension, safe='~')}"
        self._rule_path = f"{base}/answering-rule/{quote(rule, safe='')}"
        self._numbers_path = f"{base}/forwarding-number"

    # -- reading ---------------------------------------------------------------------------

    def numbers(self) -> tuple[NumberInfo, ...]:
        return numbers_from_records(self.client.records(self._numbers_path))

    def read(self, numbers: Sequence[NumberInfo] = ()) -> RuleState:
        response = self.client.get(self._rule_path)
        rule = response.json()
        return RuleState(rule, response.headers.get("etag"), settings_from_rule(rule, numbers))

    def show(self) -> EditResult:
        numbers = self.numbers()
        state = self.read(numbers)
        return EditResult(self.rule_id, state.settings, state.settings, numbers, is_edit=False)

    def _find(self, numbers: Sequence[NumberInfo], phone: str) -> tuple[NumberInfo | None, str]:
        """The number ``phone`` names, by id or by phone number in any format (None when the
        extension has no such number), and that phone number in E.164 ("" for an id)."""
        by_id = next((n for n in numbers if n.id == phone.strip()), None)
        if by_id is not None:
            return by_id, ""
        e164 = normalize_phone_number(phone, region=self.region)
        return find_number(numbers, e164, region=self.region), e164

    def resolve(self, numbers: Sequence[NumberInfo], phone: str) -> NumberInfo:
        """One of the extension's numbers, by phone number in any format or by id."""
        found, e164 = self._find(numbers, phone)
        if found is None:
            raise NotFoundError(
                f"{e164} is not one of the extension's forwarding numbers "
                "(add it with 'ringforward groups add')",
                parameter_name="phoneNumber",
            )
        return found

    # -- verbs -----------------------------------------------------------------------------

    def add(
        self,
        phone: str,
        *,
        label: str | None = None,
        group: int | None = None,
        new_group: bool = False,
        ring_count: int | None = None,
        dry_run: bool = False,
    ) -> EditResult:
        """Put ``phone`` in group ``group`` (default the first) or a new group; a number the
        extension does not have yet is added too (see ``_new_number``)."""
        numbers = self.numbers()
        known, e164 = self._find(numbers, phone)
        first = self.read(numbers)

        def plan(number_id: str) -> Operation:
            return group_edits.plan_add(
                first.settings, number_id, group=group, new_group=new_group, ring_count=ring_count
            )

        if known is not None:
            return self._apply(first, numbers, plan(known.id), dry_run)
        new = self._new_number(e164, label)
        # Planned before anything is registered, so that a refused request registers nothing.
        operation = plan(new.id)
        if dry_run or not new.pending:
            return self._apply(first, (*numbers, new), operation, dry_run)
        registered = self._register(e164, label)
        result = self._apply(first, (*numbers, registered), plan(registered.id), dry_run=False)
        return replace(result, registered=registered)

    def remove(self, phone: str, *, dry_run: bool = False) -> EditResult:
        return self._edit(
            lambda s, n: group_edits.plan_remove(s, self.resolve(n, phone).id), dry_run
        )

    def create(
        self, phones: Sequence[str], *, ring_count: int | None = None, dry_run: bool = False
    ) -> EditResult:
        def plan(settings: ForwardingSettings, numbers: Sequence[NumberInfo]) -> Operation:
            ids = [self.resolve(numbers, phone).id for phone in phones]
            return group_edits.plan_create(settings, ids, ring_count=ring_count)

        return self._edit(plan, dry_run)

    def ungroup(self, index: int, *, dry_run: bool = False) -> EditResult:
        return self._edit(lambda s, _n: group_edits.plan_ungroup(s, index), dry_run)

    def move(self, index: int, to_index: int, *, dry_run: bool = False) -> EditResult:
        return self._edit(lambda s, _n: group_edits.plan_move(s, index, to_index), dry_run)

    def set_ring_count(self, index: int, ring_count: int, *, dry_run: bool = False) -> EditResult:
        return self._edit(lambda s, _n: group_edits.plan_ring_count(s, index, ring_count), dry_run)

    def set_mode(self, mode: str, *, dry_run: bool = False) -> EditResult:
        return self._edit(lambda s, _n: group_edits.plan_mode(s, mode), dry_run)

    # -- the safe write --------------------------------------------------------------------

    def _edit(
        self,
        plan: Callable[[ForwardingSettings, Sequence[NumberInfo]], Operation],
        dry_run: bool,
    ) -> EditResult:
        numbers = self.numbers()
        first = self.read(numbers)
        return self._apply(first, numbers, plan(first.settings, numbers), dry_run)

    def _apply(
        self,
        first: RuleState,
        numbers: tuple[NumberInfo, ...],
        operation: Operation,
        dry_run: bool,
    ) -> EditResult:
        start = first.settings
        if dry_run:
            return EditResult(self.rule_id, start, operation(start), numbers, dry_run=True)
        if first.etag is not None and self.policy.use_etags:
            after, attempts = self._write_with_etag(first, numbers, operation)
            return EditResult(self.rule_id, start, after, numbers, "etag", attempts=attempts)
        after, attempts = self._write_and_verify(first, numbers, operation)
        return EditResult(self.rule_id, start, after, numbers, "verify", attempts=attempts)

    def _write_with_etag(
        self, state: RuleState, numbers: Sequence[NumberInfo], operation: Operation
    ) -> tuple[ForwardingSettings, int]:
        """Read-modify-write under If-Match; a 412 means someone wrote first: read, redo."""
        for attempt in range(1, self.policy.max_conflicts + 1):
            body = self._body(state, operation(state.settings))
            if body is None:
                return state.settings, attempt - 1
            headers = {"If-Match": state.etag} if state.etag else {}
            try:
                response = self._write(body, headers)
            except RingCentralError as error:
                if error.status != 412:
                    raise
                self._pause(attempt, scale=0.05, cap=1.0)
                state = self.read(numbers)
                continue
            return self._settings_of(response.json(), numbers), attempt
        raise ClientError(
            f"Gave up after {self.policy.max_conflicts} conflicting writes to {self.rule_id}; "
            "others keep changing it — try again"
        )

    def _write_and_verify(
        self, state: RuleState, numbers: Sequence[NumberInfo], operation: Operation
    ) -> tuple[ForwardingSettings, int]:
        """Write, then re-read through the settle window; re-apply when the change was lost."""
        writes = 0
        while True:
            body = self._body(state, operation(state.settings))
            if body is not None:
                if writes > self.policy.max_reapplies:
                    raise ClientError(
                        f"The change to {self.rule_id} was overwritten {writes} times by "
                        "concurrent writers; check the list and try again"
                    )
                self._write(body, {})
                writes += 1
            elif writes == 0:
                return state.settings, 0
            state = self._settle(numbers, operation)
            if operation(state.settings) == state.settings:
                return state.settings, writes
            # Lost: back off, then write from a fresh read so our PUT is as little stale
            # as possible (a stale PUT is exactly what drops other writers' changes).
            self._pause(writes, scale=0.1, cap=2.0)
            state = self.read(numbers)

    # -- what a generation of the API changes: the body, the write, the answer ------------

    def _body(self, state: RuleState, after: ForwardingSettings) -> dict[str, Any] | None:
        return update_body(state.settings, after)

    def _write(self, body: dict[str, Any], headers: dict[str, str]) -> httpx.Response:
        return self.client.put(self._rule_path, json=body, headers=headers)

    def _settings_of(
        self, rule: dict[str, Any], numbers: Sequence[NumberInfo]
    ) -> ForwardingSettings:
        return settings_from_rule(rule, numbers)

    def _settle(self, numbers: Sequence[NumberInfo], operation: Operation) -> RuleState:
        """Read through the settle window; stop early at the first read missing the change."""
        reads = max(self.policy.settle_reads, 1)
        state = self.read(numbers)
        for _ in range(reads):
            if operation(state.settings) != state.settings:
                return state
            self._sleep(self.policy.settle_seconds / reads)
            state = self.read(numbers)
        return state

    def _pause(self, attempt: int, *, scale: float, cap: float) -> None:
        # Random, growing pauses keep concurrent writers from colliding in lock-step.
        self._sleep(random.uniform(0, min(scale * 2 ** min(attempt, 8), cap)))

    def _new_number(self, e164: str, label: str | None) -> NumberInfo:
        """A number the extension lacks: in v1.0 a stand-in (``pending``), registered as a
        forwarding number once the edit is planned."""
        return NumberInfo(PENDING_PREFIX + e164, e164, label or "", pending=True)

    def _register(self, e164: str, label: str | None) -> NumberInfo:
        body: dict[str, Any] = {"phoneNumber": e164}
        if label is not None:
            body["label"] = label
        try:
            return number_from_json(self.client.post(self._numbers_path, json=body).json())
        except RingCentralError as error:
            # Someone registered the same number a moment ago: use theirs.
            if error.status != 409:
                raise
            found = find_number(self.numbers(), e164, region=self.region)
            if found is None:
                raise
            return found
