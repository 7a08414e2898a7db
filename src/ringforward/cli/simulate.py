"""``ringforward simulate``: who rings when for a call, from a server or a local database."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any
from urllib.parse import quote

import typer

from ringforward.cli.connection import call_once, fail, require_login, with_connection
from ringforward.client import ConnectionSettings
from ringforward.domain.errors import DomainError


def render_timeline(flow: dict[str, Any]) -> str:
    """A readable text timeline of the contract's call-flow document."""
    rule = flow["rule"]
    lines = [f"Answered by {rule['name']} ({rule['id']}, {rule['type']}): {flow['action']}"]
    for step in flow["steps"]:
        who = ", ".join(step["ring"])
        group = f"group {step['group']}: " if step["group"] is not None else ""
        lines.append(f"  {step['start']:>4} s to {step['end']:>4} s  rings {group}{who}")
    then = flow["then"]
    target = f" → {then['target']}" if then.get("target") else ""
    reason = f" ({then['reason']})" if then.get("reason") else ""
    lines.append(f"  {then['at']:>4} s              {then['action']}{target}{reason}")
    return "\n".join(lines)


SIMULATE_PATH = "/restapi/v1.0/account/~/extension/{extension}/call-flow/simulate"


def _from_server(
    settings: ConnectionSettings, extension: str, call: dict[str, str]
) -> dict[str, Any]:
    path = SIMULATE_PATH.format(extension=quote(extension, safe="~"))
    flow: dict[str, Any] = call_once(settings, "POST", path, json=call).json()
    return flow


def _from_database(db: str | None, extension: str, call: dict[str, str]) -> dict[str, Any]:
    from ringforward.config import Settings
    from ringforward.service.access import CURRENT
    from ringforward.service.callflow import cli_principal, simulate_call
    from ringforward.service.scope import ExtensionCall
    from ringforward.store.database import Database, migrate
    from ringforward.wire.callflow import call_flow_json

    settings = Settings(db=db) if db else Settings()

    async def run() -> dict[str, Any]:
        await migrate(settings.database_url)
        database = Database(settings.database_url)
        try:
            principal = await cli_principal(database, extension)
            flow = await simulate_call(
                ExtensionCall(database, principal, CURRENT, extension),
                at=call.get("at"),
                caller=call.get("from"),
                called=call.get("to"),
            )
            return call_flow_json(flow)
        finally:
            await database.dispose()

    try:
        return asyncio.run(run())
    except DomainError as error:
        fail(error.message, code=1)


def simulate(
    settings: ConnectionSettings,
    extension: Annotated[str, typer.Option("--extension", help="Extension id called.")],
    at: Annotated[
        str | None,
        typer.Option("--at", help="ISO-8601 time of the call (default now; naive = local)."),
    ] = None,
    caller: Annotated[str | None, typer.Option("--from", help="Caller's number.")] = None,
    called: Annotated[str | None, typer.Option("--to", help="Number called.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON document.")] = False,
    db: Annotated[
        str | None,
        typer.Option("--db", help="Read this database (SQLAlchemy URL) instead of a server."),
    ] = None,
) -> None:
    """Show which rule answers a call and who rings from which second to which.

    With --db, from that database; else from the server named by --server or
    RINGCENTRAL_SERVER_URL; with neither, from the default local database (as `serve`).
    """
    call = {
        name: value
        for name, value in (("at", at), ("from", caller), ("to", called))
        if value is not None
    }
    if db is None and settings.server_url:
        flow = _from_server(require_login(settings), extension, call)
    else:
        flow = _from_database(db, extension, call)
    # One renderer for the one document, wherever it came from.
    typer.echo(json.dumps(flow, indent=2) if as_json else render_timeline(flow))


simulate_command = with_connection(simulate, checked=False)
