"""Mounting the portal (its pages and static files) on the service's ASGI app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from ringforward.portal import (
    enhanced,
    routes_callflow,
    routes_forwarding,
    routes_numbers,
    routes_pages,
    routes_rules,
)
from ringforward.portal.render import STATIC

STATIC_DIRECTORY = Path(__file__).with_name("static")


def install_portal(app: FastAPI) -> None:
    """Serve the portal under ``/portal/``; its pages never appear in the API's schema."""
    for module in (
        routes_pages,
        routes_forwarding,
        routes_numbers,
        routes_rules,
        routes_callflow,
        enhanced,
    ):
        app.include_router(module.router, include_in_schema=False)
    app.mount(STATIC, StaticFiles(directory=STATIC_DIRECTORY), name="portal-static")
