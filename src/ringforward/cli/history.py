"""``ringforward history`` and ``ringforward revert``: the audit trail of an answering rule,
a forwarding number or business hours, over HTTP."""

from __future__ import annotations

import json
from typing import Annotated, Any
from urllib.parse import quote

import typer

from ringforward.cli.connection import call_once, fail, with_connection
from ringforward.client import ConnectionSettings

EXTENSION_PATH = "/restapi/v1.0/account/{account}/extension/{extension}"
DEFAULT_RULE = "business-hours-rule"

Account = Annotated[str, typer.Option("--account", help="Account id ('~': your own).")]
Extension = Annotated[str, typer.Option("--extension", help="Extension id ('~': your own).")]
Rule = Annotated[
    str | None, typer.Option("--rule", help=f"Answering rule id (default {DEFAULT_RULE}).")
]
Number = Annotated[
    str | None,
    typer.Option("--forwarding-number", help="A forwarding number's id, instead of a rule."),
]
Hours = Annotated[
    bool, typer.Option("--business-hours", help="The business hours, instead of a rule.")
]
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


def resource_path(
    account: str, extension: str, rule: str | None, number: str | None, hours: bool
) -> tuple[str, str]:
    """The API path of the one resource named, and how to call it in a sentence."""
    if sum((rule is not None, number is not None, hours)) > 1:
        fail("name one of --rule, --forwarding-number and --business-hours", code=2)
    base = EXTENSION_PATH.format(
        account=quote(account, safe="~"), extension=quote(extension, safe="~")
    )
    if number is not None:
        return f"{base}/forwarding-number/{quote(number, safe='')}", f"forwarding number {number}"
    if hours:
        return f"{base}/business-hours", "the business hours"
    rule = rule or DEFAULT_RULE
    return f"{base}/answering-rule/{quote(rule, safe='')}", rule


@with_connection
def history(
    settings: ConnectionSettings,
    account: Account = "~",
    extension: Extension = "~",
    rule: Rule = None,
    forwarding_number: Number = None,
    business_hours: Hours = False,
    page: Annotated[int, typer.Option("--page", min=1, help="Page of the history.")] = 1,
    per_page: Annotated[int, typer.Option("--per-page", min=1, help="Changes a page.")] = 100,
    as_json: AsJson = False,
) -> None:
    """Show who changed an answering rule (or a forwarding number, or the business hours),
    when, and what: newest first."""
    path, _ = resource_path(account, extension, rule, forwarding_number, business_hours)
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
    rule: Rule = None,
    forwarding_number: Number = None,
    business_hours: Hours = False,
    as_json: AsJson = False,
) -> None:
    """Restore an answering rule (or a forwarding number, or the business hours) as it was
    before a change; the revert is recorded as a new change."""
    path, name = resource_path(account, extension, rule, forwarding_number, business_hours)
    response = call_once(settings, "POST", f"{path}/history/{version}/revert")
    document = response.json()
    if as_json:
        typer.echo(json.dumps(document, indent=2))
    else:
        etag = response.headers.get("etag", "")
        now = f"; now at {etag}" if etag else ""
        typer.echo(f"reverted change {version} of {name}{now}")
