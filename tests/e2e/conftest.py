"""End-to-end tests of what a client sees run the server as a real ``ringforward serve``."""

from __future__ import annotations

import pytest

from tests.support.servers import LiveServer


@pytest.fixture
def live_server(server_process: LiveServer) -> LiveServer:
    """A ``ringforward serve`` process on each backend: the crash, README and SDK tests."""
    return server_process
