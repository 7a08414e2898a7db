"""Domain values as RingCentral JSON, with canonical ``uri`` fields from the base URL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ringforward.domain.model import (
    DEFAULT_RING_COUNT,
    FORWARDING_NUMBER_FEATURES,
    STANDARD_RULE_IDS,
    Account,
    AnsweringRule,
    BusinessHours,
    Extension,
    ForwardingNumber,
    Schedule,
)
from ringforward.store.codec import weekly_to_json
from ringforward.wire.forwarding import forwarding_rules_json as groups_json

API = "/restapi/v1.0"
COUNTRIES = {"US": ("1", "United States", "1"), "CA": ("39", "Canada", "1")}


def account_uri(base: str, account_id: str) -> str:
    return f"{base}{API}/account/{account_id}"


def extension_uri(base: str, account_id: str, extension_id: str) -> str:
    return f"{account_uri(base, account_id)}/extension/{extension_id}"


def _country(code: str) -> dict[str, Any]:
    country_id, name, calling_code = COUNTRIES.get(code, ("0", code, ""))
    return {"id": country_id, "isoCode": code, "name": name, "callingCode": calling_code}


def account_json(base: str, account: Account) -> dict[str, Any]:
    return {
        "uri": account_uri(base, account.id),
        "id": int(account.id),
        "mainNumber": account.main_number,
        "status": "Confirmed",
        "setupWizardState": "Completed",
        "regionalSettings": {
            "homeCountry": _country(account.country),
            "timezone": {"name": account.time_zone, "description": account.time_zone},
        },
        "serviceInfo": {"brand": {"id": "1210", "name": "ringforward"}},
    }


def extension_json(base: str, extension: Extension, time_zone: str) -> dict[str, Any]:
    first, _, last = extension.name.partition(" ")
    return {
        "uri": extension_uri(base, extension.account_id, extension.id),
        "id": int(extension.id),
        "extensionNumber": extension.extension_number,
        "name": extension.name,
        "type": "User",
        "status": extension.status,
        "contact": {"firstName": first, "lastName": last, "email": extension.email},
        "permissions": {"admin": {"enabled": extension.is_admin}},
        "account": {
            "id": extension.account_id,
            "uri": account_uri(base, extension.account_id),
        },
        "regionalSettings": {"timezone": {"name": time_zone, "description": time_zone}},
    }


def forwarding_number_uri(base: str, extension: Extension, number_id: str) -> str:
    return (
        f"{extension_uri(base, extension.account_id, extension.id)}/forwarding-number/{number_id}"
    )


def forwarding_number_json(
    base: str, extension: Extension, number: ForwardingNumber
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "uri": forwarding_number_uri(base, extension, number.id),
        "id": number.id,
        "label": number.label,
        "features": list(FORWARDING_NUMBER_FEATURES),
        "flipNumber": str(number.flip_number),
        "type": number.type,
    }
    if number.phone_number:
        body["phoneNumber"] = number.phone_number
    if number.device_id:
        body["device"] = {"id": number.device_id}
    return body


def _number_entry(base: str, extension: Extension, number: ForwardingNumber) -> dict[str, Any]:
    entry = {
        "id": number.id,
        "uri": forwarding_number_uri(base, extension, number.id),
        "label": number.label,
        "type": number.type,
    }
    if number.phone_number:
        entry["phoneNumber"] = number.phone_number
    return entry


def forwarding_rules_json(
    base: str,
    extension: Extension,
    rule: AnsweringRule,
    numbers: Sequence[ForwardingNumber],
    *,
    show_inactive: bool,
) -> list[dict[str, Any]]:
    by_id = {number.id: number for number in numbers}

    def entry(number_id: str) -> dict[str, Any] | None:
        number = by_id.get(number_id)
        return _number_entry(base, extension, number) if number is not None else None

    entries = groups_json(rule.forwarding.groups, entry)
    if show_inactive:
        for listed in entries:
            listed["enabled"] = True
        active = rule.forwarding.active_number_ids()
        for number in numbers:
            if number.id not in active:
                entries.append(
                    {
                        "ringCount": DEFAULT_RING_COUNT,
                        "enabled": False,
                        "forwardingNumbers": [_number_entry(base, extension, number)],
                    }
                )
    return entries


def schedule_json(schedule: Schedule) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if schedule.weekly_ranges:
        body["weeklyRanges"] = weekly_to_json(schedule.weekly_ranges)
    if schedule.ranges:
        body["ranges"] = [
            {"from": r.start.isoformat(), "to": r.end.isoformat()} for r in schedule.ranges
        ]
    if schedule.ref:
        body["ref"] = schedule.ref
    return body


def rule_uri(base: str, extension: Extension, rule_id: str) -> str:
    return f"{extension_uri(base, extension.account_id, extension.id)}/answering-rule/{rule_id}"


def rule_json(
    base: str,
    extension: Extension,
    rule: AnsweringRule,
    numbers: Sequence[ForwardingNumber],
    *,
    show_inactive: bool = False,
    detailed: bool = True,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "uri": rule_uri(base, extension, rule.id),
        "id": rule.id,
        "type": rule.type,
        "name": rule.name,
        "enabled": rule.enabled,
        "callHandlingAction": rule.call_handling_action,
    }
    if not detailed:
        return body
    if rule.is_custom:
        if rule.schedule is not None:
            body["schedule"] = schedule_json(rule.schedule)
        if rule.callers:
            body["callers"] = [
                {"callerId": c.caller_id, **({"name": c.name} if c.name else {})}
                for c in rule.callers
            ]
        if rule.called_numbers:
            body["calledNumbers"] = [{"phoneNumber": n} for n in rule.called_numbers]
    else:
        body["schedule"] = {"ref": STANDARD_RULE_IDS[rule.id]}
    action = rule.call_handling_action
    if action == "ForwardCalls":
        settings = rule.forwarding
        body["forwarding"] = {
            "notifyMySoftPhones": settings.notify_my_soft_phones,
            "notifyAdminSoftPhones": False,
            "softPhonesRingCount": settings.soft_phones_ring_count,
            "softPhonesAlwaysRing": settings.soft_phones_always_ring,
            "softPhonesPositionTop": settings.soft_phones_position_top,
            "ringingMode": settings.ringing_mode,
            "rules": forwarding_rules_json(
                base, extension, rule, numbers, show_inactive=show_inactive
            ),
            "mobileTimeout": False,
        }
    if action == "UnconditionalForwarding" and rule.unconditional_forwarding:
        forward: dict[str, Any] = {"phoneNumber": rule.unconditional_forwarding.phone_number}
        if rule.unconditional_forwarding.action:
            forward["action"] = rule.unconditional_forwarding.action
        body["unconditionalForwarding"] = forward
    if action == "TransferToExtension" and rule.transfer_extension_id:
        body["transfer"] = {
            "extension": {
                "id": rule.transfer_extension_id,
                "uri": extension_uri(base, extension.account_id, rule.transfer_extension_id),
            }
        }
    recipient_id = rule.voicemail.recipient_id or extension.id
    body["voicemail"] = {
        "enabled": rule.voicemail.enabled,
        "recipient": {
            "id": recipient_id,
            "uri": extension_uri(base, extension.account_id, recipient_id),
        },
    }
    if rule.missed_call and not rule.voicemail.enabled:
        missed: dict[str, Any] = {"actionType": rule.missed_call.action_type}
        if rule.missed_call.extension_id:
            missed["extension"] = {"id": rule.missed_call.extension_id}
        if rule.missed_call.external_number:
            missed["externalNumber"] = {"phoneNumber": rule.missed_call.external_number}
        body["missedCall"] = missed
    body["screening"] = rule.screening
    body["greetings"] = [dict(g) for g in rule.greetings]
    return body


def business_hours_json(base: str, extension: Extension, hours: BusinessHours) -> dict[str, Any]:
    return {
        "uri": f"{extension_uri(base, extension.account_id, extension.id)}/business-hours",
        "schedule": {"weeklyRanges": weekly_to_json(hours.weekly_ranges)},
    }
