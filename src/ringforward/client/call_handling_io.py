"""Export an extension's call handling as one JSON document, and apply one to an extension."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ringforward.client.errors import ClientError
from ringforward.client.rest import RingCentralClient
from ringforward.domain.phone import try_normalize

FORMAT = "ringforward-call-handling/1"
API = "/restapi/v1.0/account/~/extension"
SYSTEM_RULES = ("business-hours-rule", "after-hours-rule")
# Fields the server owns: sending them back would be refused or silently ignored.
SERVER_OWNED = ("id", "uri")


class CallHandlingFormatError(ClientError):
    """The document to import is not a call-handling export this version understands."""


# -- pure transforms --------------------------------------------------------------------------


def without_uris(value: Any) -> Any:
    """``value`` with every ``uri`` field removed, at any depth (they name the old server)."""
    if isinstance(value, Mapping):
        return {key: without_uris(item) for key, item in value.items() if key != "uri"}
    if isinstance(value, list):
        return [without_uris(item) for item in value]
    return value


def build_document(
    extension: str,
    numbers: list[dict[str, Any]],
    schedule: Any,
    rules: list[dict[str, Any]],
) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "extension": extension,
        "forwardingNumbers": without_uris(numbers),
        "businessHours": {"schedule": without_uris(schedule)},
        "answeringRules": without_uris(rules),
    }


def validate_document(document: Any) -> dict[str, Any]:
    """``document`` when it is a well-formed export; else a :class:`CallHandlingFormatError`."""

    def bad(why: str) -> CallHandlingFormatError:
        return CallHandlingFormatError(f"not a call-handling export: {why}")

    if not isinstance(document, dict):
        raise bad("the file must hold a JSON object")
    if document.get("format") != FORMAT:
        raise bad(f'"format" must be "{FORMAT}", got {document.get("format")!r}')
    if not isinstance(document.get("extension"), str | int):
        raise bad('"extension" must be the exported extension id')
    numbers = document.get("forwardingNumbers")
    if not isinstance(numbers, list) or not all(isinstance(n, dict) for n in numbers):
        raise bad('"forwardingNumbers" must be a list of objects')
    hours = document.get("businessHours")
    if not isinstance(hours, dict) or not isinstance(hours.get("schedule"), dict):
        raise bad('"businessHours" must be an object with a "schedule" object')
    rules = document.get("answeringRules")
    if not isinstance(rules, list) or not all(isinstance(r, dict) for r in rules):
        raise bad('"answeringRules" must be a list of objects')
    for position, rule in enumerate(rules):
        if not isinstance(rule.get("id"), str) or not isinstance(rule.get("type"), str):
            raise bad(f"answeringRules[{position}] needs a string id and type")
        if rule["type"] == "Custom" and not isinstance(rule.get("name"), str):
            raise bad(f"answeringRules[{position}] is a custom rule without a name")
    return document


def covers(wanted: Any, current: Any) -> bool:
    """Whether ``current`` already holds everything ``wanted`` sets (a PUT would be a no-op).

    Objects compare on ``wanted``'s keys only, since the server adds uris, labels and
    defaults; lists compare element by element, since order matters in a forwarding list.
    """
    if isinstance(wanted, Mapping):
        return isinstance(current, Mapping) and all(
            key in current and covers(item, current[key]) for key, item in wanted.items()
        )
    if isinstance(wanted, list):
        return (
            isinstance(current, list)
            and len(wanted) == len(current)
            and all(covers(w, c) for w, c in zip(wanted, current, strict=True))
        )
    if isinstance(wanted, str | int) and isinstance(current, str | int):
        # Ids are strings in rules but numbers in some other answers.
        return str(wanted) == str(current) and isinstance(wanted, bool) == isinstance(current, bool)
    return bool(wanted == current)


def rule_body(
    rule: Mapping[str, Any],
    number_ids: Mapping[str, str],
    *,
    source_extension: str,
    target_extension: str,
    warn: Callable[[str], None],
    keep_type: bool,
) -> dict[str, Any]:
    """The body writing exported ``rule`` to the target, number ids mapped to the target's.

    A number that could not be mapped (a skipped PhoneLine) is left out of its group, and a
    group left empty is dropped, because the server refuses an empty group.
    """
    body = {
        key: value
        for key, value in without_uris(rule).items()
        if key not in SERVER_OWNED and (keep_type or key != "type")
    }
    forwarding = body.get("forwarding")
    if isinstance(forwarding, dict) and isinstance(forwarding.get("rules"), list):
        groups = []
        for entry in forwarding["rules"]:
            if not isinstance(entry, dict) or entry.get("enabled", True) is False:
                continue
            ids = []
            for number in entry.get("forwardingNumbers") or []:
                old = str(number.get("id")) if isinstance(number, dict) else None
                if old is not None and old in number_ids:
                    ids.append({"id": number_ids[old]})
                else:
                    shown = number.get("phoneNumber") if isinstance(number, dict) else number
                    warn(f"rule {rule.get('id')}: left out forwarding number {shown or old}")
            if ids:
                groups.append({**entry, "forwardingNumbers": ids})
        for index, group in enumerate(groups, start=1):
            group["index"] = index
        body["forwarding"] = {**forwarding, "rules": groups}
    recipient = (body.get("voicemail") or {}).get("recipient")
    # Voicemail that went to the exported extension goes to the one imported into.
    if isinstance(recipient, dict) and str(recipient.get("id")) == source_extension:
        body["voicemail"] = {**body["voicemail"], "recipient": {"id": target_extension}}
    return body


# -- HTTP steps -------------------------------------------------------------------------------


def export_call_handling(client: RingCentralClient, extension: str) -> dict[str, Any]:
    """The export document of ``extension`` (``~`` = the logged-in one)."""
    base = f"{API}/{extension}"
    extension_id = str(client.get(base).json()["id"])
    numbers = list(client.records(f"{base}/forwarding-number"))
    schedule = client.get(f"{base}/business-hours").json().get("schedule") or {}
    rules = [
        client.get(f"{base}/answering-rule/{record['id']}").json()
        for record in client.records(f"{base}/answering-rule")
    ]
    return build_document(extension_id, numbers, schedule, rules)


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do), one line per step, and warnings."""

    dry_run: bool
    actions: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(not line.startswith("unchanged") for line in self.actions)


def import_call_handling(
    client: RingCentralClient, extension: str, document: Any, *, dry_run: bool = False
) -> ImportReport:
    """Apply an export document to ``extension``; with ``dry_run`` only report the steps.

    Steps whose target already matches are skipped, so importing twice changes nothing.
    """
    document = validate_document(document)
    report = ImportReport(dry_run=dry_run)
    base = f"{API}/{extension}"
    target_id = str(client.get(base).json()["id"])
    number_ids = _import_numbers(client, base, document["forwardingNumbers"], report)
    _import_hours(client, base, document["businessHours"]["schedule"], report)
    existing_custom = {
        record.get("name"): str(record["id"])
        for record in client.records(f"{base}/answering-rule", params={"type": "Custom"})
        if record.get("type", "Custom") == "Custom"
    }
    for rule in document["answeringRules"]:
        is_custom = rule["type"] == "Custom"
        if not is_custom and rule["id"] not in SYSTEM_RULES:
            report.warnings.append(f"skipped rule {rule['id']} of type {rule['type']}")
            continue
        body = rule_body(
            rule,
            number_ids,
            source_extension=str(document["extension"]),
            target_extension=target_id,
            warn=report.warnings.append,
            keep_type=is_custom,
        )
        rule_id = existing_custom.get(rule["name"]) if is_custom else rule["id"]
        label = f"rule {rule.get('name') or rule['id']!r}"
        if rule_id is None:
            if not dry_run:
                client.post(f"{base}/answering-rule", json=body)
            report.actions.append(f"create {label}")
            continue
        path = f"{base}/answering-rule/{rule_id}"
        if covers(body, client.get(path).json()):
            report.actions.append(f"unchanged {label}")
        else:
            if not dry_run:
                client.put(path, json=body)
            report.actions.append(f"update {label}")
    return report


def _import_numbers(
    client: RingCentralClient, base: str, exported: list[dict[str, Any]], report: ImportReport
) -> dict[str, str]:
    """Register the missing numbers; the map of exported number ids to the target's ids."""
    path = f"{base}/forwarding-number"
    present: dict[str, str] = {}
    for record in client.records(path):
        phone = try_normalize(record.get("phoneNumber") or "")
        if phone is not None:
            present[phone] = str(record["id"])
    mapping: dict[str, str] = {}
    for number in exported:
        old_id = str(number.get("id"))
        raw = number.get("phoneNumber")
        phone = try_normalize(raw) if isinstance(raw, str) else None
        if phone is not None and phone in present:
            mapping[old_id] = present[phone]
            report.actions.append(f"unchanged forwarding number {phone}")
            continue
        if number.get("type") == "PhoneLine" or phone is None:
            report.warnings.append(
                f"skipped forwarding number {raw or old_id} ({number.get('type') or 'no number'}):"
                " phone lines belong to a device and cannot be registered"
            )
            continue
        body = {"phoneNumber": phone, "label": number.get("label") or ""}
        if isinstance(number.get("type"), str):
            body["type"] = number["type"]
        if report.dry_run:
            new_id = f"(new {phone})"
        else:
            new_id = str(client.post(path, json=body).json()["id"])
        present[phone] = mapping[old_id] = new_id
        report.actions.append(f"register forwarding number {phone}")
    return mapping


def _import_hours(
    client: RingCentralClient, base: str, schedule: dict[str, Any], report: ImportReport
) -> None:
    path = f"{base}/business-hours"
    current = client.get(path).json().get("schedule") or {}
    if without_uris(current) == schedule:
        report.actions.append("unchanged business hours")
        return
    if not report.dry_run:
        client.put(path, json={"schedule": schedule})
    report.actions.append("update business hours")
