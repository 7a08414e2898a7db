"""Logged-in clients of the module's shared demo server, one per demo login."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.support.rest import ADMIN, OTHER, USER
from tests.support.servers import LiveServer


@pytest.fixture(scope="module")
def admin(shared_server: LiveServer) -> Iterator[httpx.Client]:
    """Demo Admin (22222222), administrator of account 11111111."""
    with shared_server.client(ADMIN) as client:
        yield client


@pytest.fixture(scope="module")
def user(shared_server: LiveServer) -> Iterator[httpx.Client]:
    """Demo User (22222223), not an administrator."""
    with shared_server.client(USER) as client:
        yield client


@pytest.fixture(scope="module")
def other(shared_server: LiveServer) -> Iterator[httpx.Client]:
    """Other Admin (88888888), administrator of account 99999999."""
    with shared_server.client(OTHER) as client:
        yield client
