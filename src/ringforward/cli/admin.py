"""``ringforward admin``: provision accounts, users and OAuth apps in the local database."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer

from ringforward.domain.errors import DomainError

admin_app = typer.Typer(
    help="Provision accounts, users and OAuth apps (works on the database directly).",
    no_args_is_help=True,
)
DbOption = Annotated[str | None, typer.Option("--db", help="SQLAlchemy URL of the database.")]
T = TypeVar("T")


def _run(db: str | None, use_case: Callable[..., Awaitable[T]], **arguments: object) -> T:
    from ringforward.config import Settings
    from ringforward.store.database import Database, migrate

    settings = Settings(db=db) if db else Settings()

    async def run() -> T:
        await migrate(settings.database_url)
        database = Database(settings.database_url)
        try:
            return await use_case(database, **arguments)
        finally:
            await database.dispose()

    try:
        return asyncio.run(run())
    except DomainError as error:
        typer.echo(f"error: {error.message}", err=True)
        raise typer.Exit(1) from error


@admin_app.command("add-account")
def add_account(
    name: Annotated[str, typer.Option(help="Company name.")],
    main_number: Annotated[str, typer.Option(help="Main company number.")],
    time_zone: Annotated[str, typer.Option(help="IANA time zone, e.g. America/New_York.")],
    country: Annotated[str, typer.Option(help="ISO country code numbers are read in.")] = "US",
    call_handling: Annotated[
        str,
        typer.Option(
            "--call-handling",
            help="legacy (v1.0 answering rules) or enhanced (v2 comm-handling).",
        ),
    ] = "legacy",
    db: DbOption = None,
) -> None:
    """Create an account; prints its id."""
    from ringforward.service.provisioning import add_account as use_case

    account = _run(
        db,
        use_case,
        name=name,
        main_number=main_number,
        time_zone=time_zone,
        country=country,
        call_handling=call_handling,
    )
    typer.echo(account.id)


@admin_app.command("upgrade-account")
def upgrade_account(
    account_id: Annotated[str, typer.Argument(metavar="ID", help="Account id.")],
    db: DbOption = None,
) -> None:
    """Move an account to enhanced call handling, keeping who rings when unchanged."""
    from ringforward.service.comm_upgrade import upgrade_account as use_case

    count = _run(db, use_case, account_id=account_id)
    typer.echo(f"Account {account_id} uses enhanced call handling ({count} extensions).")


@admin_app.command("add-extension")
def add_extension(
    account: Annotated[str, typer.Option(help="Account id.")],
    number: Annotated[str, typer.Option(help="Extension number, e.g. 101.")],
    name: Annotated[str, typer.Option(help="User's name.")],
    email: Annotated[str, typer.Option(help="Login email.")],
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, envvar="RINGFORWARD_NEW_PASSWORD")
    ],
    admin: Annotated[bool, typer.Option("--admin", help="Account admin.")] = False,
    time_zone: Annotated[str | None, typer.Option(help="Own time zone.")] = None,
    db: DbOption = None,
) -> None:
    """Create a user extension (with its standard rules); prints its id."""
    from ringforward.service.provisioning import add_extension as use_case

    extension = _run(
        db,
        use_case,
        account_id=account,
        extension_number=number,
        name=name,
        email=email,
        password=password,
        is_admin=admin,
        time_zone=time_zone,
    )
    typer.echo(extension.id)


@admin_app.command("add-app")
def add_app(
    client_id: Annotated[str, typer.Option(help="OAuth client id.")],
    client_secret: Annotated[
        str, typer.Option(prompt=True, hide_input=True, envvar="RINGFORWARD_NEW_CLIENT_SECRET")
    ],
    name: Annotated[str, typer.Option(help="App name.")] = "",
    db: DbOption = None,
) -> None:
    """Register an OAuth app (client id and secret) for the token endpoint."""
    from ringforward.service.provisioning import add_app as use_case

    _run(db, use_case, client_id=client_id, client_secret=client_secret, name=name)
    typer.echo(client_id)


ExtensionArgument = Annotated[str, typer.Argument(help="Extension id.")]


def _set_enabled(extension_id: str, db: str | None, *, enabled: bool) -> None:
    from ringforward.service.provisioning import set_extension_enabled

    _run(db, set_extension_enabled, extension_id=extension_id, enabled=enabled)
    typer.echo(f"{extension_id} {'enabled' if enabled else 'disabled'}")


@admin_app.command("disable-extension")
def disable_extension(extension_id: ExtensionArgument, db: DbOption = None) -> None:
    """Disable an extension: its tokens and portal sessions end and it cannot sign in."""
    _set_enabled(extension_id, db, enabled=False)


@admin_app.command("enable-extension")
def enable_extension(extension_id: ExtensionArgument, db: DbOption = None) -> None:
    """Enable an extension again; it signs in afresh (its old sessions stay ended)."""
    _set_enabled(extension_id, db, enabled=True)


@admin_app.command("set-admin")
def set_admin(
    extension_id: ExtensionArgument,
    admin: Annotated[
        bool, typer.Option("--admin/--no-admin", help="Administrator of its account, or not.")
    ],
    db: DbOption = None,
) -> None:
    """Give an extension the account's admin rights, or take them away (--no-admin)."""
    from ringforward.service.provisioning import set_admin as use_case

    _run(db, use_case, extension_id=extension_id, is_admin=admin)
    typer.echo(f"{extension_id} is {'an' if admin else 'no longer an'} administrator")


@admin_app.command("set-password")
def set_password(
    extension_id: ExtensionArgument,
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, envvar="RINGFORWARD_NEW_PASSWORD")
    ],
    db: DbOption = None,
) -> None:
    """Give an extension a new password; every session it had ends (it signs in afresh)."""
    from ringforward.service.provisioning import set_password as use_case

    _run(db, use_case, extension_id=extension_id, password=password)
    typer.echo(f"{extension_id} has a new password; its sessions are ended")
