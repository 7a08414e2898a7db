"""API version information: ``GET /restapi`` and ``GET /restapi/v1.0``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ringforward import __version__
from ringforward.api.deps import BaseUrl

router = APIRouter()
RELEASE_DATE = "2026-11-01T00:00:00.000Z"


def _version(base: str) -> dict[str, Any]:
    return {
        "uri": f"{base}/restapi/v1.0",
        "versionString": "1.0.60",
        "releaseDate": RELEASE_DATE,
        "uriString": "v1.0",
    }


@router.get("/restapi")
async def api_versions(base: BaseUrl) -> dict[str, Any]:
    return {
        "uri": f"{base}/restapi",
        "apiVersions": [_version(base)],
        "serverVersion": __version__,
        "serverRevision": "ringforward",
    }


@router.get("/restapi/v1.0")
async def api_version(base: BaseUrl) -> dict[str, Any]:
    return {**_version(base), "serverVersion": __version__, "serverRevision": "ringforward"}
