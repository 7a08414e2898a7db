"""``ringforward export`` / ``import``: move an extension's call handling as one JSON file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from ringforward.cli.connection import fail, with_connection
from ringforward.client import ClientError, ConnectionSettings, RingCentralClient
from ringforward.client.call_handling_io import CallHandlingFormatError
from ringforward.client.comm_handling_io import export_any, import_any, validate_any

ExtensionOpt = Annotated[
    str, typer.Option("--extension", help="Extension id (~ = the logged-in extension).")
]


@with_connection
def export_command(
    settings: ConnectionSettings,
    extension: ExtensionOpt = "~",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write (default: stdout).", dir_okay=False),
    ] = None,
) -> None:
    """Write the extension's forwarding numbers, business hours and answering rules as JSON."""
    try:
        with RingCentralClient.connect(settings) as client:
            document = export_any(client, extension)
    except ClientError as error:
        fail(str(error), code=1)
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        fail(f"cannot write {output}: {error.strerror or error}", code=1)
    typer.echo(f"Exported extension {document['extension']} to {output}.", err=True)


@with_connection
def import_command(
    settings: ConnectionSettings,
    file: Annotated[Path, typer.Argument(help="A file written by `ringforward export`.")],
    extension: ExtensionOpt = "~",
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what would be done; change nothing.")
    ] = False,
) -> None:
    """Apply an export to an extension: numbers, business hours, and every rule."""
    document = _read(file)
    try:
        with RingCentralClient.connect(settings) as client:
            report = import_any(client, extension, document, dry_run=dry_run)
    except ClientError as error:
        fail(str(error), code=1)
    for warning in report.warnings:
        typer.echo(f"warning: {warning}", err=True)
    prefix = "would " if dry_run else ""
    for action in report.actions:
        shown = action if action.startswith("unchanged") else prefix + action
        typer.echo(shown)
    if dry_run:
        typer.echo("Dry run: nothing was changed.")
    elif not report.changed:
        typer.echo("Nothing to change: the extension already matches the file.")


def _read(file: Path) -> Any:
    """The file's document, checked before any login so that a bad file costs no requests."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        fail(f"cannot read {file}: {getattr(error, 'strerror', None) or error}", code=2)
    try:
        return validate_any(json.loads(text))
    except json.JSONDecodeError as error:
        fail(f"{file} is not JSON: {error}", code=2)
    except CallHandlingFormatError as error:
        fail(f"{file}: {error.message}", code=2)
