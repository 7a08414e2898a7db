"""The safe write under interference: 412 retries with ETags, re-applying without them."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ringforward.client import (
    ClientError,
    ConnectionSettings,
    RingCentralClient,
    RingGroupEditor,
    SafeWritePolicy,
)
from tests.support.rest import (
    BUSINESS,
    DEMO_NUMBER,
    EXT,
    A,
    B,
    C,
    call_handling,
    everything_else,
    reset_to_baseline,
)
from tests.support.servers import CLIENT_ID, CLIENT_SECRET, PASSWORD, LiveServer

D = DEMO_NUMBER
FAST = SafeWritePolicy(settle_seconds=0.2, settle_reads=2)


class InterferingClient(RingCentralClient):
    """A client that lets someone else act just before some of its own requests."""

    interfere: Callable[[], None] | None = None
    before: tuple[str, str] = ("PUT", "/answering-rule/")
    times = 0

    def request(self, method: str, path: str, **options: Any) -> httpx.Response:
        kind, fragment = self.before
        if self.interfere and self.times > 0 and method == kind and fragment in path:
            self.times -= 1
            self.interfere()
        return super().request(method, path, **options)


@pytest.fixture(scope="module")
def strict_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    directory: Path = tmp_path_factory.mktemp("strict")
    server = LiveServer(
        f"sqlite:///{directory / 'ringforward.db'}",
        extra_args=["--strict-ringcentral"],
        log_path=directory / "server.log",
    ).start()
    yield server
    server.stop()


@pytest.fixture(params=["etag", "strict"])
def server(
    request: pytest.FixtureRequest, shared_server: LiveServer, strict_server: LiveServer
) -> LiveServer:
    return shared_server if request.param == "etag" else strict_server


@pytest.fixture
def other(server: LiveServer) -> Iterator[httpx.Client]:
    """Someone else, editing the same rule through the plain REST API."""
    with server.client() as client:
        reset_to_baseline(client)
        yield client


@pytest.fixture
def connected(server: LiveServer, other: httpx.Client) -> Iterator[InterferingClient]:
    settings = ConnectionSettings(
        server.base_url, CLIENT_ID, CLIENT_SECRET, None, "admin@example.com", None, PASSWORD
    )
    with InterferingClient.connect(settings) as client:
        assert isinstance(client, InterferingClient)
        yield client


def groups(client: httpx.Client) -> list[tuple[int, list[str]]]:
    return call_handling(client).groups()


def set_ring_count_of_group_1(client: httpx.Client, ring_count: int) -> None:
    state = client.get(BUSINESS).json()["forwarding"]["rules"]
    state[0]["ringCount"] = ring_count
    assert client.put(BUSINESS, json={"forwarding": {"rules": state}}).status_code == 200


@pytest.mark.parametrize("server", ["etag"], indirect=True)
def test_with_etags_a_concurrent_write_before_ours_is_kept_and_ours_lands(
    server: LiveServer, other: httpx.Client, connected: InterferingClient
) -> None:
    connected.interfere, connected.times = lambda: set_ring_count_of_group_1(other, 9), 1
    result = RingGroupEditor(connected, policy=FAST).add(C, group=2)
    assert groups(other) == [(9, [D, A]), (2, [B, C])]
    assert result.written == "etag" and result.attempts == 2


@pytest.mark.parametrize("server", ["strict"], indirect=True)
def test_without_etags_our_change_lands_but_a_write_between_our_read_and_put_is_lost(
    server: LiveServer, other: httpx.Client, connected: InterferingClient
) -> None:
    """The documented limit of verify mode: it protects our change, not the other's."""
    connected.interfere, connected.times = lambda: set_ring_count_of_group_1(other, 9), 1
    result = RingGroupEditor(connected, policy=FAST).add(C, group=2)
    assert groups(other) == [(3, [D, A]), (2, [B, C])]
    assert result.written == "verify" and result.attempts == 1


def test_a_lost_change_is_re_applied_within_the_settle_window(
    other: httpx.Client, connected: InterferingClient
) -> None:
    stale = other.get(BUSINESS).json()["forwarding"]["rules"]
    sleeps: list[float] = []

    def sleep_and_overwrite(seconds: float) -> None:
        if not sleeps:  # someone writes back the list they read before our change
            assert other.put(BUSINESS, json={"forwarding": {"rules": stale}}).is_success
        sleeps.append(seconds)
        time.sleep(seconds)

    editor = RingGroupEditor(
        connected,
        policy=SafeWritePolicy(settle_seconds=0.2, settle_reads=2, use_etags=False),
        sleep=sleep_and_overwrite,
    )
    result = editor.add(C, group=2)
    assert result.written == "verify" and result.attempts == 2
    assert groups(other) == [(3, [D, A]), (2, [B, C])]


def test_verify_mode_gives_up_when_the_change_keeps_being_overwritten(
    other: httpx.Client, connected: InterferingClient
) -> None:
    stale = other.get(BUSINESS).json()["forwarding"]["rules"]

    def always_overwrite(seconds: float) -> None:
        assert other.put(BUSINESS, json={"forwarding": {"rules": stale}}).is_success

    policy = SafeWritePolicy(settle_seconds=0.1, settle_reads=1, max_reapplies=2, use_etags=False)
    editor = RingGroupEditor(connected, policy=policy, sleep=always_overwrite)
    with pytest.raises(ClientError, match="overwritten 3 times"):
        editor.remove(A)


@pytest.mark.parametrize("server", ["etag"], indirect=True)
def test_etag_mode_gives_up_after_the_allowed_number_of_conflicts(
    server: LiveServer, other: httpx.Client, connected: InterferingClient
) -> None:
    counts = iter(range(5, 15))
    connected.interfere = lambda: set_ring_count_of_group_1(other, next(counts))
    connected.times = 100
    editor = RingGroupEditor(
        connected, policy=SafeWritePolicy(max_conflicts=3), sleep=lambda _s: None
    )
    with pytest.raises(ClientError, match="Gave up after 3 conflicting writes"):
        editor.set_ring_count(2, 6)
    assert groups(other)[1] == (2, [B])


def test_a_group_is_the_one_the_user_saw_even_if_the_list_is_reordered_meanwhile(
    server: LiveServer, other: httpx.Client, connected: InterferingClient
) -> None:
    def move_group_2_first() -> None:
        state = other.get(BUSINESS).json()["forwarding"]["rules"]
        first, second = state
        body = {"forwarding": {"rules": [{**second, "index": 1}, {**first, "index": 2}]}}
        assert other.put(BUSINESS, json=body).is_success

    if server.extra_args:
        # Without ETags the reorder before our PUT is overwritten (plain last-writer-wins);
        # interfere during the settle window instead, where verification sees it.
        connected.interfere, connected.times = None, 0
        calls: list[float] = []

        def sleep(seconds: float) -> None:
            if not calls:
                move_group_2_first()
            calls.append(seconds)

        editor = RingGroupEditor(connected, policy=FAST, sleep=sleep)
        editor.add(C, group=2)
        assert groups(other) == [(2, [B, C]), (3, [D, A])]
        return
    connected.interfere, connected.times = move_group_2_first, 1
    RingGroupEditor(connected, policy=FAST).add(C, group=2)
    assert groups(other) == [(2, [B, C]), (3, [D, A])]


def test_a_number_registered_by_someone_else_meanwhile_is_used(
    other: httpx.Client, connected: InterferingClient
) -> None:
    new = "+16465550177"

    def register_it() -> None:
        created = other.post(f"{EXT}/forwarding-number", json={"phoneNumber": new, "label": "x"})
        assert created.status_code == 200

    connected.interfere, connected.before, connected.times = (
        register_it,
        ("POST", "/forwarding-number"),
        1,
    )
    before = call_handling(other)
    result = RingGroupEditor(connected, policy=FAST).add(new, group=1)
    after = call_handling(other)
    assert result.registered is not None and result.registered.label == "x"
    assert after.groups() == [(3, [D, A, new]), (2, [B])]
    assert len(after.numbers) == len(before.numbers) + 1
    assert everything_else(after) == everything_else(before)


def test_numbers_can_be_named_by_their_forwarding_number_id(
    other: httpx.Client, connected: InterferingClient
) -> None:
    before = call_handling(other)
    editor = RingGroupEditor(connected, policy=FAST)
    editor.add(before.id_of(C), group=2)
    editor.remove(before.id_of(A))
    after = call_handling(other)
    assert after.groups() == [(3, [D]), (2, [B, C])]
    assert after.numbers == before.numbers
