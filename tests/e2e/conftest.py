"""End-to-end tests run the server as a real ``ringforward serve`` process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.servers import LiveServer


@pytest.fixture
def live_server(server_process: LiveServer) -> LiveServer:
    return server_process


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    directory = tmp_path_factory.mktemp("shared")
    server = LiveServer(
        f"sqlite:///{directory / 'ringforward.db'}",
        log_path=directory / "server.log",
        process=True,
    ).start()
    yield server
    server.stop()
