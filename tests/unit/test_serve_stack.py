"""``ringforward serve`` runs on the fastest stack measured: uvloop and httptools."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import uvicorn

from ringforward.cli.main import run_server
from ringforward.config import Settings


def test_serve_uses_uvloop_and_httptools(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seen: dict[str, Any] = {}

    def fake_run(app: object, **options: Any) -> None:
        seen.update(options)

    monkeypatch.setattr(uvicorn, "run", fake_run)
    run_server(Settings(db=f"sqlite:///{tmp_path / 'serve.db'}"))
    assert seen["loop"] == "uvloop"
    assert seen["http"] == "httptools"
    # Both must really be importable, or uvicorn would fail at start.
    import httptools  # noqa: F401
    import uvloop  # noqa: F401
