"""``ringforward history`` and ``ringforward revert``: a rule's audit trail, over HTTP."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from ringforward.cli.connection import call_once, with_connection
from ringforward.client import ConnectionSettings

RULE_PATH = "/restapi/v1.0/account/{account}/extension/{extension}/answering-rule/{rule}"

Account = Annotated[str, typer.Option("--account", help="Account id ('~': your own).")]
Extension = Annotated[str, typer.Option("--extension", help="Extension id ('~': your own).")]
Rule = Annotated[str, typer.Option("--rule", help="Answering rule id.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print the API's JSON document.")]


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


@with_connection
def history(
    settings: ConnectionSettings,
    account: Account = "~",
    extension: Extension = "~",
    rule: Rule = "business-hours-rule",
    page: Annotated[int, typer.Option("--page", min=1, help="Page of the history.")] = 1,
    per_page: Annotated[int, typer.Option("--per-page", min=1, help="Changes a page.")] = 100,
    as_json: AsJson = False,
) -> None:
    """Show who changed an answering rule, when, and what: newest first."""
    path = RULE_PATH.format(account=account, extension=extension, rule=rule)
    document = call_once(
        settings, "GET", f"{path}/history", params={"page": page, "perPage": per_page}
    ).json()
    typer.echo(json.dumps(document, indent=2) if as_json else render_history(document))


@with_connection
def revert(
    settings: ConnectionSettings,
    version: Annotated[int, typer.Argument(min=1, help="The version whose change to undo.")],
    account: Account = "~",
    extension: Extension = "~",
    rule: Rule = "business-hours-rule",
    as_json: AsJson = False,
) -> None:
    """Restore an answering rule as it was before a change (recorded as a new change)."""
    path = RULE_PATH.format(account=account, extension=extension, rule=rule)
    response = call_once(settings, "POST", f"{path}/history/{version}/revert")
    document = response.json()
    if as_json:
        typer.echo(json.dumps(document, indent=2))
    else:
        etag = response.headers.get("etag", "")
        typer.echo(f"reverted change {version} of {document['id']}; now at {etag}".strip())
