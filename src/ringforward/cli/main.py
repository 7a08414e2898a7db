"""The ``ringforward`` command: serve, demo, jwt, simulate, sip, history, revert, groups.

Heavy imports (the server, SQLAlchemy, argon2, and pydantic with the server's settings)
happen inside the commands that need them, so that client-side commands such as ``groups``
start quickly: scripts and tests start many of them.
"""

from __future__ import annotations

import asyncio
import os
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ringforward.cli.admin import admin_app
from ringforward.cli.groups import groups_app
from ringforward.cli.history import history, revert
from ringforward.cli.simulate import simulate_command
from ringforward.cli.sip import sip
from ringforward.cli.transfer import export_command, import_command
from ringforward.defaults import DEFAULT_PORT

if TYPE_CHECKING:
    from ringforward.config import Settings

app = typer.Typer(
    help="A RingCentral-compatible call-handling service and ring-group toolkit.",
    no_args_is_help=True,
    add_completion=False,
)

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="SQLAlchemy URL (sqlite:///path.db, postgresql+asyncpg://…)."),
]


def _settings(**values: object) -> Settings:
    from ringforward.config import Settings

    given = {key: value for key, value in values.items() if value is not None}
    return Settings(**given)  # type: ignore[arg-type]


def run_server(settings: Settings) -> None:
    import uvicorn

    from ringforward.api.app import create_app

    settings = settings.model_copy(update={"freeze_start_up": True})
    # uvloop and httptools: the fastest stack measured (benchmarks/README.md, the two
    # ceiling rows), about 1.5x the pure-Python asyncio loop and h11 parser.
    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_level": os.environ.get("RINGFORWARD_LOG_LEVEL", "warning"),
        "access_log": False,
        "loop": "uvloop",
        "http": "httptools",
        **proxy_options(settings),
    }
    if settings.workers <= 1:
        uvicorn.run(create_app(settings), **options)
        return
    # Several processes on one port: uvicorn's supervisor binds the socket and starts the
    # workers, each of which builds the app from the same settings (passed as RINGFORWARD_*
    # variables). The schema and the demo data are made here first, once, so the workers
    # do not race to create them.
    asyncio.run(prepare_database(settings))
    os.environ.update(settings.environment())
    uvicorn.run("ringforward.api.app:create_app", factory=True, workers=settings.workers, **options)


async def prepare_database(settings: Settings) -> None:
    """Bring the schema up to date and load the demo data when asked (before any worker)."""
    from ringforward.service.provisioning import load_demo
    from ringforward.store.database import Database, migrate

    await migrate(settings.database_url)
    if settings.demo:
        database = Database(settings.database_url)
        try:
            await load_demo(database)
        finally:
            await database.dispose()


def proxy_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's forwarded-header options: trust only the proxies the settings name.

    uvicorn would otherwise believe X-Forwarded-For from 127.0.0.1, so any local caller
    could choose the address its rate limits are counted under.
    """
    return {
        "proxy_headers": bool(settings.forwarded_allow_ips),
        "forwarded_allow_ips": settings.forwarded_allow_ips or None,
    }


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    db: DbOption = None,
    demo: Annotated[bool, typer.Option("--demo", help="Load the demo data if absent.")] = False,
    strict_ringcentral: Annotated[
        bool,
        typer.Option(
            "--strict-ringcentral",
            help="Turn our extensions off (ETag, If-Match, PATCH, call flow).",
        ),
    ] = False,
    rate_limits: Annotated[
        str | None, typer.Option(help="Rate limits: 'default' or 'off' (the default).")
    ] = None,
    rate_limit_storage: Annotated[
        str | None,
        typer.Option(help="Rate-limit counters: 'memory://' or a redis:// URL shared by workers."),
    ] = None,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            help="Reverse proxies whose X-Forwarded-For/-Proto to trust: comma-separated "
            "addresses or networks, or '*'. Default: none."
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Server processes sharing the port (each with its own caches, kept "
            "coherent through the database). Default: 1.",
        ),
    ] = None,
) -> None:
    """Serve the REST API (and the portal)."""
    settings = _settings(
        host=host,
        port=port,
        db=db,
        demo=demo or None,
        strict_ringcentral=strict_ringcentral or None,
        rate_limits=rate_limits,
        rate_limit_storage=rate_limit_storage,
        forwarded_allow_ips=forwarded_allow_ips,
        workers=workers,
    )
    from sqlalchemy.engine import make_url

    typer.echo(f"ringforward listening on http://{settings.host}:{settings.port}")
    # Printed without its password: this output usually ends up in a log.
    typer.echo(f"database: {make_url(settings.database_url).render_as_string()}")
    run_server(settings)


@app.command()
def demo(
    port: Annotated[int, typer.Option(help="Port to listen on.")] = DEFAULT_PORT,
    db: DbOption = None,
) -> None:
    """Serve with the demo data on http://127.0.0.1:8080 and print how to log in."""
    from ringforward.service import enhanced_demo, provisioning

    settings = _settings(port=port, db=db, demo=True)
    base = f"http://{settings.host}:{settings.port}"
    typer.echo(
        f"""ringforward demo on {base}
  database:        {settings.database_url}
  portal:          {base}/portal/
  account 11111111, legacy call handling (v1.0 answering rules):
  admin:           admin@example.com / {provisioning.DEMO_PASSWORD}  (extension 22222222)
  user:            user@example.com / {provisioning.DEMO_PASSWORD}  (extension 22222223)
  account {enhanced_demo.ENHANCED_ACCOUNT_ID}, enhanced call handling (v2 comm-handling):
  admin:           {enhanced_demo.ENHANCED_ADMIN_EMAIL} / {provisioning.DEMO_PASSWORD}  \
(extension {enhanced_demo.ENHANCED_ADMIN_ID})
  user:            {enhanced_demo.ENHANCED_USER_EMAIL} / {provisioning.DEMO_PASSWORD}  \
(extension {enhanced_demo.ENHANCED_USER_ID})
  OAuth app:       client id {provisioning.DEMO_CLIENT_ID}, secret {provisioning.DEMO_CLIENT_SECRET}
  a JWT:           uv run ringforward jwt --extension 22222222
  get a token:     curl -s -u {provisioning.DEMO_CLIENT_ID}:{provisioning.DEMO_CLIENT_SECRET} \\
                     -d grant_type=password -d username=admin@example.com \\
                     -d password={provisioning.DEMO_PASSWORD} {base}/restapi/oauth/token"""
    )
    run_server(settings)


@app.command()
def jwt(
    extension: Annotated[str, typer.Option("--extension", help="Extension id the JWT logs in as.")],
    client_id: Annotated[
        str | None,
        typer.Option("--client-id", help="OAuth app that may use the JWT (default: the only app)."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Print a JWT credential for the JWT bearer grant (alone on the last line)."""
    from ringforward.service.auth import issue_jwt_credential
    from ringforward.store.database import Database, migrate

    settings = _settings(db=db)

    async def issue() -> str:
        await migrate(settings.database_url)
        database = Database(settings.database_url)
        try:
            return await issue_jwt_credential(database, extension, client_id)
        finally:
            await database.dispose()

    try:
        token = asyncio.run(issue())
    except Exception as error:  # a missing extension or database is the user's to fix
        typer.echo(f"error: {getattr(error, 'message', error)}", err=True)
        raise typer.Exit(1) from error
    typer.echo(f"JWT credential for extension {extension} (use with the JWT bearer grant):")
    typer.echo(token)


app.command(name="simulate")(simulate_command)
app.command()(sip)
app.command()(history)
app.command()(revert)
app.add_typer(groups_app, name="groups")
app.add_typer(admin_app, name="admin")
app.command(name="export")(export_command)
app.command(name="import")(import_command)


if __name__ == "__main__":
    app()
