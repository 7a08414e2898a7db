"""Export and import of an enhanced extension's call handling (v2 states and rules)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from ringforward.client.call_handling_io import (
    CallHandlingFormatError,
    ImportReport,
    export_call_handling,
    import_call_handling,
    validate_document,
)
from ringforward.client.rest import RingCentralClient
from ringforward.client.ringgroups_v2 import detect_api

FORMAT = "ringforward-comm-handling/1"
TOGGLED_STATES = ("dnd", "forward-all-calls")


def _base(extension: str) -> str:
    return f"/restapi/v2/accounts/~/extensions/{quote(extension, safe='~')}/comm-handling"


def _records(client: RingCentralClient, path: str) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = client.get(path, params={"perPage": 1000}).json()["records"]
    return records


def export_comm_handling(client: RingCentralClient, extension: str) -> dict[str, Any]:
    base = _base(extension)
    states = _records(client, f"{base}/states")
    rules = _records(client, f"{base}/voice/state-rules")
    interaction = _records(client, f"{base}/voice/interaction-rules")
    me = client.get(f"/restapi/v1.0/account/~/extension/{quote(extension, safe='~')}").json()
    return {
        "format": FORMAT,
        "extension": str(me.get("id", extension)),
        "states": states,
        "stateRules": [{"id": r["id"], "dispatching": r["dispatching"]} for r in rules],
        "interactionRules": [{k: v for k, v in r.items() if k != "id"} for r in interaction],
    }


def validate_comm_document(document: Any) -> dict[str, Any]:
    def bad(why: str) -> CallHandlingFormatError:
        return CallHandlingFormatError(f"not a call-handling export: {why}")

    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise bad(f'"format" must be "{FORMAT}"')
    for key in ("states", "stateRules", "interactionRules"):
        value = document.get(key)
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise bad(f'"{key}" must be a list of objects')
    for position, rule in enumerate(document["interactionRules"]):
        if not isinstance(rule.get("displayName"), str):
            raise bad(f"interactionRules[{position}] needs a displayName")
    return document


def validate_any(document: Any) -> dict[str, Any]:
    """Either export format, checked before any request is made."""
    if isinstance(document, dict) and document.get("format") == FORMAT:
        return validate_comm_document(document)
    return validate_document(document)


def _state_body(state: dict[str, Any]) -> dict[str, Any]:
    if state["id"] != "work-hours":
        return {"enabled": state["enabled"]}
    conditions = state.get("conditions") or [
        # 24/7: a weekly trigger without ranges.
        {"type": "Schedule", "schedule": {"triggers": [{"triggerType": "Weekly", "ranges": {}}]}}
    ]
    return {"conditions": conditions}


def _interaction_body(rule: dict[str, Any]) -> dict[str, Any]:
    conditions = [
        {"type": "State", "state": {"id": c["state"]["id"]}} if c["type"] == "State" else c
        for c in rule["conditions"]
    ]
    return {
        "displayName": rule["displayName"],
        "enabled": rule["enabled"],
        "conditions": conditions,
        "dispatching": rule["dispatching"],
    }


def import_comm_handling(
    client: RingCentralClient, extension: str, document: Any, *, dry_run: bool = False
) -> ImportReport:
    """Make the extension's states and rules those of the file; matching parts are skipped.

    Interaction rules are matched by ``displayName``: same name is updated, a new name is
    created, and a rule the file does not have is deleted.
    """
    document = validate_comm_document(document)
    report = ImportReport(dry_run=dry_run)
    base = _base(extension)

    def act(line: str, method: str, path: str, body: dict[str, Any] | None = None) -> None:
        report.actions.append(line)
        if not dry_run:
            client.request(method, path, json=body)

    current_states = {s["id"]: s for s in _records(client, f"{base}/states")}
    for state in document["states"]:
        if state["id"] not in ("work-hours", *TOGGLED_STATES):
            continue
        now = current_states.get(state["id"])
        same = now is not None and all(
            now.get(k) == state.get(k) for k in ("enabled", "conditions")
        )
        if same:
            report.actions.append(f"unchanged state {state['id']}")
            continue
        act(
            f"update state {state['id']}",
            "PATCH",
            f"{base}/states/{state['id']}",
            _state_body(state),
        )
    current_rules = {r["id"]: r for r in _records(client, f"{base}/voice/state-rules")}
    for rule in document["stateRules"]:
        if current_rules.get(rule["id"], {}).get("dispatching") == rule["dispatching"]:
            report.actions.append(f"unchanged state rule {rule['id']}")
            continue
        act(
            f"update state rule {rule['id']}",
            "PATCH",
            f"{base}/voice/state-rules/{rule['id']}",
            {"dispatching": rule["dispatching"]},
        )
    existing = {r["displayName"]: r for r in _records(client, f"{base}/voice/interaction-rules")}
    wanted = {r["displayName"] for r in document["interactionRules"]}
    for rule in document["interactionRules"]:
        body = _interaction_body(rule)
        found = existing.get(rule["displayName"])
        if found is None:
            act(
                f"create interaction rule {rule['displayName']}",
                "POST",
                f"{base}/voice/interaction-rules",
                body,
            )
        elif _interaction_body(found) == body:
            report.actions.append(f"unchanged interaction rule {rule['displayName']}")
        else:
            act(
                f"update interaction rule {rule['displayName']}",
                "PATCH",
                f"{base}/voice/interaction-rules/{found['id']}",
                body,
            )
    for name, found in existing.items():
        if name not in wanted:
            act(
                f"delete interaction rule {name}",
                "DELETE",
                f"{base}/voice/interaction-rules/{found['id']}",
            )
    return report


def export_any(client: RingCentralClient, extension: str) -> dict[str, Any]:
    """The export of whichever generation the account uses."""
    if detect_api(client) == "v2":
        return export_comm_handling(client, extension)
    return export_call_handling(client, extension)


def import_any(
    client: RingCentralClient, extension: str, document: Any, *, dry_run: bool = False
) -> ImportReport:
    if isinstance(document, dict) and document.get("format") == FORMAT:
        if detect_api(client) != "v2":
            raise CallHandlingFormatError(
                "the file holds enhanced call handling, but the account uses legacy handling"
            )
        return import_comm_handling(client, extension, document, dry_run=dry_run)
    if detect_api(client) == "v2":
        raise CallHandlingFormatError(
            "the file holds legacy answering rules, but the account uses enhanced call "
            "handling (upgrade a copy with 'ringforward admin upgrade-account' instead)"
        )
    return import_call_handling(client, extension, document, dry_run=dry_run)
