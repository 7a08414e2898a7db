"""``ringforward groups …``: list and edit ring groups on any RingCentral-compatible server."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ringforward.cli.connection import (
    CONNECTION_OPTIONS,
    connection_settings,
    fail,
    with_options,
)
from ringforward.client import (
    ClientError,
    EditResult,
    RingCentralClient,
    RingGroupEditor,
    SafeWritePolicy,
)
from ringforward.client.ringgroups_v2 import V2RingGroupEditor, detect_api
from ringforward.domain.errors import DomainError
from ringforward.domain.model import BUSINESS_HOURS_RULE_ID, RINGING_MODES

groups_app = typer.Typer(
    help="List and edit ring groups (the forwarding list of an answering rule), safely.",
    no_args_is_help=True,
)

# A verb returns what to do with the editor; the wrapper connects, runs and prints.
Edit = Callable[[RingGroupEditor, bool], EditResult]


def _option(*names: str, help: str, **extra: Any) -> Any:
    return typer.Option(*names, help=help, **extra)


# Options every verb takes, appended to each verb's own parameters by ``_verb``.
COMMON: dict[str, tuple[Any, Any]] = {
    "extension": (
        Annotated[str, _option("--extension", help="Extension id whose rule is edited.")],
        "~",
    ),
    "rule": (
        Annotated[str, _option("--rule", help="Answering rule id.")],
        BUSINESS_HOURS_RULE_ID,
    ),
    "dry_run": (
        Annotated[
            bool,
            _option("--dry-run", help="Print the before/after difference; change nothing."),
        ],
        False,
    ),
    "as_json": (
        Annotated[bool, _option("--json", help="Print the ring-group document as JSON.")],
        False,
    ),
    **CONNECTION_OPTIONS,
    "region": (
        Annotated[str, _option("--region", help="Country for national phone formats.")],
        "US",
    ),
    "settle": (
        Annotated[
            float,
            _option(
                "--settle",
                help="Seconds to keep verifying a write on servers without ETags.",
                min=0.0,
                metavar="SECONDS",
            ),
        ],
        SafeWritePolicy().settle_seconds,
    ),
}


def _verb(name: str) -> Callable[[Callable[..., Edit]], Callable[..., None]]:
    """Register a verb whose function returns an :data:`Edit`, adding the common options."""

    def register(make_edit: Callable[..., Edit]) -> Callable[..., None]:
        command = with_options(
            make_edit, COMMON, lambda own, shared: _run(make_edit(**own), **shared)
        )
        groups_app.command(name)(command)
        return command

    return register


def _run(edit: Edit, **shared: Any) -> None:
    settings = connection_settings(shared)
    policy = SafeWritePolicy(settle_seconds=shared["settle"])
    try:
        with RingCentralClient.connect(settings) as client:
            # The generation decides the API: v1.0 answering rules or v2 RingGroupActions.
            kind = V2RingGroupEditor if detect_api(client) == "v2" else RingGroupEditor
            editor = kind(
                client, shared["extension"], shared["rule"], policy=policy, region=shared["region"]
            )
            result = edit(editor, shared["dry_run"])
    except (DomainError, ClientError) as error:
        fail(str(error) if isinstance(error, ClientError) else error.message, code=1)
    _print(result, as_json=shared["as_json"])


def _print(result: EditResult, *, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(result.document(), indent=2, ensure_ascii=False))
        return
    console = Console(soft_wrap=True, width=120 if not sys.stdout.isatty() else None)
    if result.registered is not None:
        number = result.registered
        console.print(
            f"Registered {number.phone_number} as forwarding number {number.id}.", markup=False
        )
    if result.dry_run:
        console.print("Dry run: nothing was changed.", style="bold")
    if result.is_edit and result.changed:
        for line in result.diff_lines():
            style = "green" if line.startswith("+") else "red" if line.startswith("-") else None
            console.print(line, style=style, markup=False, highlight=False)
    elif result.is_edit:
        console.print("Nothing to change: the forwarding list already is as asked.")
    console.print(_table(result))


def _table(result: EditResult) -> Table:
    document = result.document()
    # Labels are user text: escaped, so that "[work]" is shown and not read as Rich markup.
    table = Table(title=escape(f"{document['rule']} — ringing {document['ringingMode']}"))
    for column in ("Group", "Rings", "Phone number", "Label", "Id"):
        table.add_column(column)
    for group in document["groups"]:
        for position, number in enumerate(group["forwardingNumbers"]):
            first = position == 0
            table.add_row(
                str(group["index"]) if first else "",
                str(group["ringCount"]) if first else "",
                escape(number["phoneNumber"] or ""),
                escape(number["label"]),
                number["id"] or "(new)",
            )
    for number in document["inactive"]:
        table.add_row(
            "inactive",
            "",
            escape(number["phoneNumber"] or ""),
            escape(number["label"]),
            number["id"],
        )
    return table


# -- the verbs ------------------------------------------------------------------------------

PhoneArg = Annotated[str, typer.Argument(help="Phone number, any common format, or its id.")]
IndexArg = Annotated[int, typer.Argument(help="Group index (1 = rings first).", metavar="N")]
RingCountOpt = Annotated[
    int | None, typer.Option("--ring-count", help="Rings (1-15) for the group.", metavar="K")
]


@_verb("list")
def list_groups() -> Edit:
    """Show the ring groups, their ring counts and the inactive numbers."""
    return lambda editor, _dry_run: editor.show()


@_verb("add")
def add(
    phone: PhoneArg,
    label: Annotated[str | None, typer.Option(help="Label when the number is new.")] = None,
    group: Annotated[
        int | None, typer.Option("--group", help="Group index (default: the first).", metavar="N")
    ] = None,
    new_group: Annotated[bool, typer.Option("--new-group", help="Start a new last group.")] = False,
    ring_count: RingCountOpt = None,
) -> Edit:
    """Add PHONE to group N (registering it as a forwarding number when it is missing)."""
    if group is not None and new_group:
        raise typer.BadParameter("give --group N or --new-group, not both", param_hint="--group")
    return lambda editor, dry_run: editor.add(
        phone,
        label=label,
        group=group,
        new_group=new_group,
        ring_count=ring_count,
        dry_run=dry_run,
    )


@_verb("remove")
def remove(phone: PhoneArg) -> Edit:
    """Take PHONE out of the forwarding list (it stays registered, inactive)."""
    return lambda editor, dry_run: editor.remove(phone, dry_run=dry_run)


@_verb("create")
def create(
    phones: Annotated[
        list[str], typer.Argument(help="Two or more of the extension's phone numbers.")
    ],
    ring_count: RingCountOpt = None,
) -> Edit:
    """Make one ring group of PHONES, merging the groups they are in ("Create Ring Group")."""
    return lambda editor, dry_run: editor.create(phones, ring_count=ring_count, dry_run=dry_run)


@_verb("ungroup")
def ungroup_group(index: IndexArg) -> Edit:
    """Split group N into one entry per number, in place."""
    return lambda editor, dry_run: editor.ungroup(index, dry_run=dry_run)


@_verb("move")
def move(
    index: IndexArg,
    to: Annotated[int, typer.Option("--to", help="New position (1..n).", metavar="M")],
) -> Edit:
    """Move group N to position M."""
    return lambda editor, dry_run: editor.move(index, to, dry_run=dry_run)


@_verb("set")
def set_group(
    index: IndexArg,
    ring_count: Annotated[
        int, typer.Option("--ring-count", help="Rings (1-15) for the group.", metavar="K")
    ],
) -> Edit:
    """Set how many rings group N rings for."""
    return lambda editor, dry_run: editor.set_ring_count(index, ring_count, dry_run=dry_run)


@_verb("mode")
def mode(
    ringing_mode: Annotated[
        str,
        typer.Argument(
            help=f"{' or '.join(RINGING_MODES)} (any case).", metavar="MODE", show_default=False
        ),
    ],
) -> Edit:
    """Ring the groups one after another (Sequentially) or all at once (Simultaneously)."""
    canonical = next((m for m in RINGING_MODES if m.lower() == ringing_mode.lower()), None)
    if canonical is None:
        raise typer.BadParameter(f"must be one of {', '.join(RINGING_MODES)}")
    return lambda editor, dry_run: editor.set_mode(canonical, dry_run=dry_run)
