"""``ringforward history`` and ``ringforward revert``: a rule's audit trail, over HTTP."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Annotated, Any

import httpx
import typer

RULE_PATH = "/restapi/v1.0/account/{account}/extension/{extension}/answering-rule/{rule}"

Server = Annotated[
    str | None, typer.Option("--server", help="Base URL [env RINGCENTRAL_SERVER_URL].")
]
ClientId = Annotated[
    str | None, typer.Option("--client-id", help="OAuth client id [env RINGCENTRAL_CLIENT_ID].")
]
ClientSecret = Annotated[
    str | None,
    typer.Option("--client-secret", help="OAuth client secret [env RINGCENTRAL_CLIENT_SECRET]."),
]
Jwt = Annotated[
    str | None, typer.Option("--jwt", help="JWT credential [env RINGCENTRAL_JWT_TOKEN].")
]
Username = Annotated[
    str | None,
    typer.Option("--username", help="Login email or number [env RINGCENTRAL_USERNAME]."),
]
Password = Annotated[
    str | None, typer.Option("--password", help="Password [env RINGCENTRAL_PASSWORD].")
]
Account = Annotated[str, typer.Option("--account", help="Account id ('~': your own).")]
Extension = Annotated[str, typer.Option("--extension", help="Extension id ('~': your own).")]
Rule = Annotated[str, typer.Option("--rule", help="Answering rule id.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print the API's JSON document.")]


class Refused(Exception):
    """The server said no (or could not be reached): exit code 1."""


def _setting(flag: str | None, variable: str) -> str | None:
    return flag if flag is not None else (os.environ.get(variable) or None)


def _error_message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    message = body.get("message") or body.get("error_description") or ""
    names = [e.get("parameterName") for e in body.get("errors", []) if e.get("parameterName")]
    where = f" ({', '.join(names)})" if names else ""
    return f"HTTP {response.status_code} {body.get('errorCode', '')}: {message}{where}".strip()


def _checked(response: httpx.Response) -> Any:
    if response.status_code >= 400:
        raise Refused(_error_message(response))
    return response.json()


@contextmanager
def session(
    server: str | None,
    client_id: str | None,
    client_secret: str | None,
    jwt: str | None,
    username: str | None,
    password: str | None,
) -> Iterator[httpx.Client]:
    """An httpx client logged in with the JWT or password grant; the token is revoked after."""
    base = _setting(server, "RINGCENTRAL_SERVER_URL")
    app = _setting(client_id, "RINGCENTRAL_CLIENT_ID")
    secret = _setting(client_secret, "RINGCENTRAL_CLIENT_SECRET") or ""
    assertion = _setting(jwt, "RINGCENTRAL_JWT_TOKEN")
    login = _setting(username, "RINGCENTRAL_USERNAME")
    login_password = _setting(password, "RINGCENTRAL_PASSWORD")
    if not base or not app or not (assertion or (login and login_password)):
        typer.echo(
            "error: set the server (--server / RINGCENTRAL_SERVER_URL), the client id "
            "(--client-id / RINGCENTRAL_CLIENT_ID) and a JWT (--jwt / RINGCENTRAL_JWT_TOKEN) "
            "or a username and password (RINGCENTRAL_USERNAME / RINGCENTRAL_PASSWORD)",
            err=True,
        )
        raise typer.Exit(2)
    if assertion:
        form = {"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion}
    else:
        form = {"grant_type": "password", "username": login or "", "password": login_password or ""}
        extension = os.environ.get("RINGCENTRAL_EXTENSION")
        if extension:
            form["extension"] = extension
    with httpx.Client(base_url=base.rstrip("/"), timeout=30) as client:
        try:
            grant = _checked(client.post("/restapi/oauth/token", data=form, auth=(app, secret)))
        except httpx.HTTPError as error:
            raise Refused(f"cannot reach {base}: {error}") from error
        token = grant["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"
        try:
            yield client
        finally:
            # Best effort: a token left behind expires on its own within the hour.
            with suppress(httpx.HTTPError):
                client.post("/restapi/oauth/revoke", data={"token": token}, auth=(app, secret))


def changed_fields(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    """What a change did, in a few words: created, deleted, or the fields that differ."""
    if before is None:
        return "created"
    if after is None:
        return "deleted"
    keys = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    return ", ".join(keys) or "no visible change"


def render_history(document: dict[str, Any]) -> str:
    lines = [f"{'version':>7}  {'at':<24}  {'by':<28}  changed"]
    for record in document["records"]:
        actor = record["actor"]
        who = f"{actor['id']} {actor.get('name', '')}".strip()
        what = changed_fields(record["before"], record["after"])
        lines.append(f"{record['version']:>7}  {record['at']:<24}  {who:<28}  {what}")
    paging = document["paging"]
    if paging.get("totalPages", 1) > 1:
        lines.append(f"page {paging['page']} of {paging['totalPages']} (--page N for more)")
    if not document["records"]:
        lines.append("(no recorded changes)")
    return "\n".join(lines)


def _run(action: Any) -> None:
    try:
        action()
    except Refused as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from error


def history(
    account: Account = "~",
    extension: Extension = "~",
    rule: Rule = "business-hours-rule",
    page: Annotated[int, typer.Option("--page", min=1, help="Page of the history.")] = 1,
    per_page: Annotated[int, typer.Option("--per-page", min=1, help="Changes a page.")] = 100,
    as_json: AsJson = False,
    server: Server = None,
    client_id: ClientId = None,
    client_secret: ClientSecret = None,
    jwt: Jwt = None,
    username: Username = None,
    password: Password = None,
) -> None:
    """Show who changed an answering rule, when, and what: newest first."""

    def action() -> None:
        with session(server, client_id, client_secret, jwt, username, password) as client:
            path = RULE_PATH.format(account=account, extension=extension, rule=rule)
            response = client.get(f"{path}/history", params={"page": page, "perPage": per_page})
            document = _checked(response)
        typer.echo(json.dumps(document, indent=2) if as_json else render_history(document))

    _run(action)


def revert(
    version: Annotated[int, typer.Argument(min=1, help="The version whose change to undo.")],
    account: Account = "~",
    extension: Extension = "~",
    rule: Rule = "business-hours-rule",
    as_json: AsJson = False,
    server: Server = None,
    client_id: ClientId = None,
    client_secret: ClientSecret = None,
    jwt: Jwt = None,
    username: Username = None,
    password: Password = None,
) -> None:
    """Restore an answering rule as it was before a change (recorded as a new change)."""

    def action() -> None:
        with session(server, client_id, client_secret, jwt, username, password) as client:
            path = RULE_PATH.format(account=account, extension=extension, rule=rule)
            response = client.post(f"{path}/history/{version}/revert")
            document = _checked(response)
            etag = response.headers.get("etag", "")
        if as_json:
            typer.echo(json.dumps(document, indent=2))
        else:
            typer.echo(f"reverted change {version} of {document['id']}; now at {etag}".strip())

    _run(action)
