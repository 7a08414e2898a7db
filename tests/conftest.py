"""Shared fixtures: a real database per backend and a live server on a free port."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.support.servers import (
    LiveServer,
    create_postgres_database,
    drop_postgres_database,
    postgres_available,
)

# CI sets this so that a missing PostgreSQL fails the run instead of skipping tests.
REQUIRE_POSTGRES = os.environ.get("RINGFORWARD_REQUIRE_POSTGRES") == "1"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]

# Property tests take their example counts from a profile, not from each test. No deadline
# per example: a busy two-core machine would miss it for reasons of its own. "dev" explores
# further and remembers failing examples; "ci" (CI=true) runs the same examples every time.
settings.register_profile("dev", max_examples=200, deadline=None)
settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")


def make_database_url(backend: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'ringforward.db'}"
    if not postgres_available():
        if REQUIRE_POSTGRES:
            pytest.fail("PostgreSQL is required (RINGFORWARD_REQUIRE_POSTGRES=1) but not reachable")
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432; SQLite tests still ran")
    return create_postgres_database()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of each backend (SQLite file, fresh PostgreSQL database)."""
    url = make_database_url(backend, tmp_path)
    yield url
    if backend == "postgresql":
        drop_postgres_database(url)


@pytest.fixture
def live_server(database_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    """A fresh demo server on each backend (in the test process), stopped after the test."""
    server = LiveServer(database_url, log_path=tmp_path / "server.log").start()
    yield server
    server.stop()


@pytest.fixture
def server_process(database_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    """A fresh demo server on each backend as a ``ringforward serve`` process, for the tests
    where the process is the point: a kill, a restart, what a client sees end to end."""
    server = LiveServer(database_url, log_path=tmp_path / "server.log", process=True).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One SQLite demo server for a whole module, for tests that leave no mark on others."""
    directory = tmp_path_factory.mktemp("shared")
    server = LiveServer(
        f"sqlite:///{directory / 'ringforward.db'}", log_path=directory / "server.log"
    ).start()
    yield server
    server.stop()
