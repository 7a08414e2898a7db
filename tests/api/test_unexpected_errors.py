"""The safety net for bugs: a RingCentral-style 500 body, and the connection stays usable."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ringforward.api.unexpected import CatchUnexpectedErrors
from tests.support.servers import free_port


async def broken(_request: Request) -> JSONResponse:
    raise RuntimeError("a bug")


async def fine(_request: Request) -> JSONResponse:
    return JSONResponse({"ok": True})


@pytest.fixture
def base_url() -> Iterator[str]:
    app = Starlette(routes=[Route("/broken", broken), Route("/fine", fine)])
    app.add_middleware(CatchUnexpectedErrors)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, port=port, log_level="critical"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join()


def test_a_bug_answers_cmn_500_and_the_next_request_on_the_connection_works(
    base_url: str,
) -> None:
    with httpx.Client(base_url=base_url) as client:
        failed = client.get("/broken")
        assert failed.status_code == 500
        assert failed.json()["errorCode"] == "CMN-500"
        assert failed.json()["errors"][0]["message"] == "Internal server error"
        # The same keep-alive connection serves the next request.
        assert client.get("/fine").json() == {"ok": True}
