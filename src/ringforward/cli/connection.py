"""Connection flags shared by the client-side commands, and their exit-on-error helper."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Annotated, Any, NoReturn, get_type_hints

import typer

from ringforward.client import ConnectionSettings


def _option(*names: str, help: str, **extra: Any) -> Any:
    return typer.Option(*names, help=help, **extra)


# Parameter name → (annotated type, default): the login flags every client command takes.
CONNECTION_OPTIONS: dict[str, tuple[Any, Any]] = {
    "server": (
        Annotated[
            str | None,
            _option("--server", help="Base URL (env RINGCENTRAL_SERVER_URL).", metavar="URL"),
        ],
        None,
    ),
    "client_id": (
        Annotated[str | None, _option("--client-id", help="(env RINGCENTRAL_CLIENT_ID)")],
        None,
    ),
    "client_secret": (
        Annotated[str | None, _option("--client-secret", help="(env RINGCENTRAL_CLIENT_SECRET)")],
        None,
    ),
    "jwt": (
        Annotated[str | None, _option("--jwt", help="JWT credential (env RINGCENTRAL_JWT_TOKEN).")],
        None,
    ),
    "username": (
        Annotated[
            str | None,
            _option("--username", help="Password login (env RINGCENTRAL_USERNAME)."),
        ],
        None,
    ),
    "extension_number": (
        Annotated[
            str | None,
            _option(
                "--extension-number",
                help="Login extension number for --username (env RINGCENTRAL_EXTENSION).",
            ),
        ],
        None,
    ),
    "password": (
        Annotated[str | None, _option("--password", help="(env RINGCENTRAL_PASSWORD)")],
        None,
    ),
}


def connection_settings(values: Mapping[str, Any]) -> ConnectionSettings:
    """Settings from the flags in ``values`` (keys of :data:`CONNECTION_OPTIONS`) over the
    environment; exits with code 2 when something needed for a login is missing."""
    settings = ConnectionSettings.from_env(
        server_url=values["server"],
        client_id=values["client_id"],
        client_secret=values["client_secret"],
        jwt=values["jwt"],
        username=values["username"],
        extension=values["extension_number"],
        password=values["password"],
    )
    missing = settings.problems()
    if missing:
        fail("missing connection settings: " + "; ".join(missing), code=2)
    return settings


def fail(message: str, *, code: int) -> NoReturn:
    """Print ``error: message`` on stderr and exit with ``code``."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


# Parameter name → (annotated type, default), as Typer reads them from a signature.
Options = Mapping[str, tuple[Any, Any]]


def with_options(
    command: Callable[..., Any],
    options: Options,
    run: Callable[[dict[str, Any], dict[str, Any]], None],
    *,
    skip: frozenset[str] = frozenset(),
) -> Callable[..., None]:
    """A Typer command taking ``command``'s own parameters (but ``skip``) plus ``options``,
    so the same flags follow every verb; it calls ``run(own values, option values)``."""
    hints = get_type_hints(command, include_extras=True)
    own = [
        parameter.replace(annotation=hints[parameter.name])
        for parameter in inspect.signature(command).parameters.values()
        if parameter.name not in skip
    ]
    shared = [
        inspect.Parameter(key, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=kind)
        for key, (kind, default) in options.items()
    ]

    @wraps(command)
    def wrapper(**values: Any) -> None:
        run(values, {key: values.pop(key) for key in options})

    signature = inspect.Signature([*own, *shared], return_annotation=None)
    wrapper.__signature__ = signature  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in signature.parameters.values()}
    del wrapper.__wrapped__
    return wrapper


def with_connection(command: Callable[..., None]) -> Callable[..., None]:
    """``command(settings=…, **own)`` as a Typer command taking its own parameters plus the
    connection flags, which become the ``settings`` it is called with."""

    def run(own: dict[str, Any], flags: dict[str, Any]) -> None:
        command(settings=connection_settings(flags), **own)

    return with_options(command, CONNECTION_OPTIONS, run, skip=frozenset({"settings"}))
