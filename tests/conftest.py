"""Shared fixtures: a real database per backend and a live server on a free port."""

from __future__ import annotations

import os

# Cheap argon2 for the suite's throwaway databases (service/secrets.py): set before the
# project is imported, and inherited by every server and CLI process the tests start.
os.environ.setdefault("RINGFORWARD_PASSWORD_HASH_COST", "low")

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from _pytest.nodeid import NodeId
from hypothesis import HealthCheck, settings

from tests.support.rest import sign_in
from tests.support.serve_processes import start_shared
from tests.support.servers import (
    LiveServer,
    create_postgres_database,
    drop_postgres_database,
    postgres_available,
    share_one_tls_context,
)

share_one_tls_context()

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


# Parallel runs (pytest-xdist: ``-n auto --dist loadgroup`` in pyproject.toml). Most tests
# wait on sockets, processes, a browser or SIP timers rather than compute, so more workers
# than cores pay off. A run of files or single tests stays in one process: workers cost a
# few seconds each to start, more than such a run takes. RINGFORWARD_TEST_WORKERS overrides.
SUITE_WORKERS = 6

# A module's tests run on one worker, in order, sharing its module-scoped servers. These
# modules are the exceptions, listed longest first; they start before all others so that no
# long test is left running alone at the end. "test": each test goes to whichever worker is
# free (independent tests, each with its own servers, processes or SIP stack); "function":
# each test function with all its parameters; "module": one worker, but early.
SPREAD: tuple[tuple[str, str], ...] = (
    ("tests/api/test_schemathesis.py", "function"),
    ("tests/client/test_concurrency.py", "test"),
    ("tests/client/test_groups_v2.py", "test"),
    ("tests/e2e/", "test"),
    ("tests/api/test_persistence.py", "test"),
    ("tests/api/test_workers.py", "module"),
    ("tests/unit/test_callflow_properties.py", "test"),
    ("tests/unit/test_comm_upgrade_properties.py", "test"),
    ("tests/unit/test_rule_index.py", "test"),
    ("tests/unit/test_ringgroups_properties.py", "test"),
    ("tests/api/test_openapi_errors.py", "module"),
    ("tests/portal/", "module"),
    ("tests/service/test_principal_cache.py", "module"),
    ("tests/service/test_read_model.py", "module"),
)

# The modules that drive Chromium, in units of several modules that one worker runs one
# after another with one browser (tests/portal/conftest.py), of about the same length.
BROWSER_UNITS: tuple[tuple[str, ...], ...] = (
    ("tests/portal/test_enhanced_page.py", "tests/portal/test_who_rings.py"),
    (
        "tests/portal/test_portal_pages.py",
        "tests/portal/test_history_page.py",
        "tests/portal/test_csp_in_browser.py",
    ),
    ("tests/portal/test_ring_groups.py", "tests/portal/test_accessibility.py"),
)


# The SIP calls assert when each phone rings to within half a second. They are handed out
# last, each test to whichever worker is free, so that they run beside each other and not
# beside the CPU-heavy start of the suite (20-process races, schemathesis, browsers). The
# modules whose calls ring longest (5-7 s a test) go first, so that the workers run out of
# SIP calls at about the same time rather than one finishing a long call alone.
LAST = (
    "tests/sip/test_timeline_calls.py",
    "tests/sip/test_answer_and_rules.py",
    "tests/sip/test_final_actions.py",
    "tests/sip/test_enhanced_calls.py",
    "tests/sip/test_parallel_calls.py",
    "tests/sip/",
)


def _spread(nodeid: str) -> tuple[int, str]:
    """The position of the test's module in SPREAD (len(SPREAD) if absent, after that for
    LAST, in its order) and its mode."""
    path = nodeid.split("::")[0]
    for position, prefix in enumerate(LAST):
        if path.startswith(prefix):
            return len(SPREAD) + 1 + position, "test"
    for position, (prefix, mode) in enumerate(SPREAD):
        if path.startswith(prefix):
            return position, mode
    return len(SPREAD), "module"


def _work_unit(nodeid: str) -> str:
    """The tests one worker runs together: a module, a test function, one test, or one of
    the browser units."""
    path = nodeid.split("::")[0]
    for number, modules in enumerate(BROWSER_UNITS):
        if path in modules:
            return f"browser unit {number}"
    mode = _spread(nodeid)[1]
    if mode == "test":
        return nodeid
    if mode == "function":
        return nodeid.split("[")[0]
    return nodeid.split("::")[0]


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    chosen = os.environ.get("RINGFORWARD_TEST_WORKERS")
    if chosen is not None:
        return int(chosen)
    if config.args and all("::" in arg or Path(arg).is_file() for arg in config.args):
        return 0
    return SUITE_WORKERS


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """loadgroup, with the work units above instead of one test each."""
    if config.getoption("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class WorkUnits(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return _work_unit(nodeid)

    return WorkUnits(config, log)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Schemathesis names each operation's test "test_x[GET /path]", but under pytest 9.2 they
    # all get the node id "test_x": reports could not tell them apart, and a parallel run,
    # which hands out tests by node id, would run one of them per test function.
    ids = Counter(item.nodeid for item in items)
    for item in items:
        if ids[item.nodeid] > 1 and item.parent is not None:
            item._id = NodeId.parse(f"{item.parent.nodeid}::{item.name}")
    if os.environ.get("PYTEST_XDIST_WORKER"):
        # The order the work units are handed out in (--no-loadscope-reorder keeps it).
        items.sort(key=lambda item: _spread(item.nodeid)[0])


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


@pytest.fixture(scope="module")
def portal_visitor(shared_server: LiveServer) -> Iterator[httpx.Client]:
    """A cookie-keeping client signed in to the shared server's portal as the admin."""
    with httpx.Client(base_url=shared_server.base_url, timeout=30) as client:
        assert sign_in(client).status_code == 303
        yield client


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    # A parallel run's workers share one fork server for their server processes, started
    # before them (tests/support/serve_processes.py): one import of the server, not six.
    if session.config.pluginmanager.has_plugin("dsession"):
        start_shared()
