"""``ringforward simulate``: who rings when for a call, from the local database."""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Annotated

import typer

from ringforward.config import Settings
from ringforward.domain.errors import DomainError

if TYPE_CHECKING:
    from ringforward.domain.callflow import CallFlow


def render_timeline(flow: CallFlow) -> str:
    """A readable text timeline of a call flow."""
    rule = flow.rule
    lines = [f"Answered by {rule.name} ({rule.id}, {rule.type}): {flow.action}"]
    for step in flow.steps:
        who = ", ".join(step.ring)
        group = f"group {step.group}: " if step.group is not None else ""
        lines.append(f"  {step.start:>4} s to {step.end:>4} s  rings {group}{who}")
    then = flow.then
    target = f" → {then.target}" if then.target else ""
    reason = f" ({then.reason})" if then.reason else ""
    lines.append(f"  {then.at:>4} s              {then.action}{target}{reason}")
    return "\n".join(lines)


def simulate(
    extension: Annotated[str, typer.Option("--extension", help="Extension id called.")],
    at: Annotated[
        str | None,
        typer.Option("--at", help="ISO-8601 time of the call (default now; naive = local)."),
    ] = None,
    caller: Annotated[str | None, typer.Option("--from", help="Caller's number.")] = None,
    called: Annotated[str | None, typer.Option("--to", help="Number called.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON document.")] = False,
    db: Annotated[str | None, typer.Option("--db", help="SQLAlchemy URL of the database.")] = None,
) -> None:
    """Show which rule answers a call and who rings from which second to which."""
    from ringforward.service.callflow import cli_principal, simulate_call
    from ringforward.store.database import Database, migrate
    from ringforward.wire.callflow import call_flow_json

    settings = Settings(db=db) if db else Settings()

    async def run() -> CallFlow:
        await migrate(settings.database_url)
        database = Database(settings.database_url)
        try:
            principal = await cli_principal(database, extension)
            return await simulate_call(
                database, principal, "~", extension, at=at, caller=caller, called=called
            )
        finally:
            await database.dispose()

    try:
        flow = asyncio.run(run())
    except DomainError as error:
        typer.echo(f"error: {error.message}", err=True)
        raise typer.Exit(1) from error
    typer.echo(json.dumps(call_flow_json(flow), indent=2) if as_json else render_timeline(flow))
