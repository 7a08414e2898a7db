"""The ASGI application: routers, error handlers and start-up (migrations, demo data)."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.telemetry import TelemetryConfig
from starlette.exceptions import HTTPException as StarletteHTTPException

from ringforward.api import errors
from ringforward.api.fast_reads import FastReadCounts, FastReads
from ringforward.api.fast_simulate import FastSimulations
from ringforward.api.fast_writes import FastWrites
from ringforward.api.ratelimit import install_rate_limits
from ringforward.api.routes import (
    account,
    answering_rule,
    business_hours,
    callflow,
    comm_history,
    comm_rules,
    comm_states,
    devices,
    features,
    forwarding_number,
    history,
    oauth,
    resource_history,
    sip_proxy,
    version,
)
from ringforward.api.service_spec import service_document
from ringforward.api.text_guard import RefuseUnstorableText
from ringforward.api.unexpected import CatchUnexpectedErrors
from ringforward.config import Settings
from ringforward.domain.errors import DomainError
from ringforward.portal.app import install_portal
from ringforward.service.login_guard import LoginGuard
from ringforward.service.provisioning import load_demo
from ringforward.service.read_model import configure_read_model
from ringforward.store.database import Database, migrate

log = logging.getLogger("ringforward")
# FastAPI's own OpenTelemetry is not used here; left on, it looks for configured
# providers on every request: a quarter of the CPU of a GET answered from memory.
TELEMETRY_OFF: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}


def settle_start_up_objects() -> None:
    """Leave what start-up made (modules, routes, the schema, about 150,000 objects) out
    of every later garbage collection: a full one otherwise walks them all, a pause of
    about 0.1 s under load (benchmarks/load/observations.md)."""
    gc.collect()
    gc.freeze()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await migrate(settings.database_url)
        db = Database(settings.database_url)
        await db.changes.start()
        configure_read_model(db, settings.read_model_accounts)
        app.state.db = db
        if settings.demo and await load_demo(db):
            log.info("demo data loaded")
        if settings.freeze_start_up:
            settle_start_up_objects()
        try:
            yield
        finally:
            await db.dispose()

    app = FastAPI(
        title="ringforward",
        lifespan=lifespan,
        telemetry=TELEMETRY_OFF,
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    # One per server: the portal and the token endpoint count wrong passwords together.
    app.state.login_guard = LoginGuard()
    app.state.max_body_bytes = settings.max_body_bytes
    app.add_exception_handler(DomainError, errors.on_domain_error)
    app.add_exception_handler(StarletteHTTPException, errors.on_http_error)
    app.add_exception_handler(RequestValidationError, errors.on_request_validation_error)
    install_portal(app)
    for module in (
        version,
        oauth,
        account,
        forwarding_number,
        answering_rule,
        business_hours,
        callflow,
        history,
        devices,
        sip_proxy,
        resource_history,
        features,
        comm_states,
        comm_rules,
        comm_history,
    ):
        app.include_router(module.router)
    app.include_router(answering_rule.patch_router)
    # Inside the rate limiter, so that refused requests still spend their budget.
    app.add_middleware(RefuseUnstorableText, max_body_bytes=settings.max_body_bytes)
    # In front of the router and the text guard (it checks the body itself), inside the
    # rate limiter, which counts what it answers as any other request.
    app.state.fast_write_counts = FastReadCounts()
    app.add_middleware(FastWrites)
    install_rate_limits(app, settings)

    @app.get("/restapi/openapi.json", include_in_schema=False)
    async def openapi_document() -> dict[str, Any]:
        return service_document(strict=settings.strict_ringcentral)

    # In front of the router and every other middleware but the last: the hot GETs and
    # the simulations they answer from memory skip them (they count rate limits themselves).
    app.state.fast_reads = settings.fast_reads
    app.state.fast_read_counts = FastReadCounts()
    app.add_middleware(FastReads)
    app.add_middleware(FastSimulations)
    # Added last, so it is the outermost of ours: it also catches the middlewares' errors.
    app.add_middleware(CatchUnexpectedErrors)

    return app
