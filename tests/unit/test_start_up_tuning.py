"""What a served process does once start-up is over, and what no request pays for: the
objects start-up made are frozen out of later garbage collections (``serve`` only), and
FastAPI's own OpenTelemetry looks for no provider on each request."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from opentelemetry import _logs, metrics, trace

from ringforward.api.app import create_app
from ringforward.cli.main import run_server
from ringforward.config import Settings


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    # What a test froze goes back to the collector: this process goes on making apps.
    gc.unfreeze()


def frozen_after_start_up(settings: Settings) -> int:
    app = create_app(settings)

    async def start_and_stop() -> int:
        async with app.router.lifespan_context(app):
            return gc.get_freeze_count()

    return asyncio.run(start_and_stop())


def test_serve_freezes_what_start_up_made(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    served: list[FastAPI] = []

    def fake_run(app: FastAPI, **_options: Any) -> None:
        served.append(app)

    monkeypatch.setattr(uvicorn, "run", fake_run)
    run_server(Settings(db=f"sqlite:///{tmp_path / 'serve.db'}"))
    (app,) = served
    assert app.state.settings.freeze_start_up


def test_an_app_freezes_start_up_objects_only_when_asked(unfrozen: None, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ringforward.db'}"
    assert frozen_after_start_up(Settings(db=url)) == 0
    assert frozen_after_start_up(Settings(db=url, freeze_start_up=True)) > 10_000


def test_a_request_looks_up_no_telemetry_provider(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    lookups: list[str] = []
    for module, name in (
        (trace, "get_tracer_provider"),
        (metrics, "get_meter_provider"),
        (_logs, "get_logger_provider"),
    ):
        original = getattr(module, name)

        def counted(*args: Any, _name: str = name, _original: Any = original) -> Any:
            lookups.append(_name)
            return _original(*args)

        monkeypatch.setattr(module, name, counted)
    app = create_app(Settings(db=f"sqlite:///{tmp_path / 'ringforward.db'}"))

    async def one_request() -> int:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                return (await client.get("/restapi")).status_code

    assert asyncio.run(one_request()) == 200
    assert lookups == []
