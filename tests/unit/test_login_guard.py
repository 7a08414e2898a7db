"""Lock-out after repeated wrong passwords: when it starts, how it grows, when it ends."""

from __future__ import annotations

from ringforward.service.login_guard import FIRST_LOCK, FREE_FAILURES, MAX_LOCK, LoginGuard


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def fail(guard: LoginGuard, times: int, key: str = "a") -> None:
    for _ in range(times):
        guard.failed(key)


def test_the_free_failures_lock_nothing_and_the_next_locks_for_the_first_period() -> None:
    clock = Clock()
    guard = LoginGuard(clock)
    fail(guard, FREE_FAILURES - 1)
    assert guard.retry_after("a") == 0
    guard.failed("a")
    assert guard.retry_after("a") == FIRST_LOCK
    assert guard.retry_after("b") == 0


def test_each_failure_after_a_lock_doubles_it_up_to_the_cap() -> None:
    clock = Clock()
    guard = LoginGuard(clock)
    fail(guard, FREE_FAILURES)
    waits = []
    for _ in range(10):
        waits.append(guard.retry_after("a"))
        clock.now += waits[-1]
        assert guard.retry_after("a") == 0
        guard.failed("a")
    assert waits[:4] == [FIRST_LOCK, 2 * FIRST_LOCK, 4 * FIRST_LOCK, 8 * FIRST_LOCK]
    assert max(waits) == MAX_LOCK


def test_a_right_password_clears_the_count() -> None:
    clock = Clock()
    guard = LoginGuard(clock)
    fail(guard, FREE_FAILURES - 1)
    guard.succeeded("a")
    fail(guard, FREE_FAILURES - 1)
    assert guard.retry_after("a") == 0


def test_old_failures_are_forgotten() -> None:
    clock = Clock()
    guard = LoginGuard(clock)
    fail(guard, FREE_FAILURES - 1)
    clock.now += 2 * 3600
    guard.failed("a")
    assert guard.retry_after("a") == 0


def test_the_table_stays_bounded_under_a_spray_of_logins() -> None:
    guard = LoginGuard(Clock(), max_entries=100)
    for index in range(1000):
        guard.failed(f"login-{index}")
    assert guard.size() <= 100
