"""Forwarding numbers: creating and updating them under the platform's rules."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ringforward.domain.errors import ConflictError, invalid, missing
from ringforward.domain.model import ForwardingNumber
from ringforward.domain.phone import normalize_phone_number

MAX_LABEL_LENGTH = 60
FLIP_DIGITS = range(1, 10)
# Types a client may choose; ExtensionApps entries belong to the platform itself.
CREATABLE_TYPES = ("Home", "Mobile", "Work", "PhoneLine", "Outage", "Other", "BusinessMobilePhone")


@dataclass(frozen=True)
class NumberContext:
    """What checking a forwarding number needs to know about its surroundings."""

    extension_id: str
    existing: Sequence[ForwardingNumber]
    account_direct_numbers: Collection[str]
    region: str = "US"


def new_forwarding_number(
    body: Mapping[str, Any], *, number_id: str, context: NumberContext
) -> ForwardingNumber:
    """A forwarding number from a POST body, or a 400/409 naming what is wrong."""
    number_type = body.get("type") or "Other"
    if number_type not in CREATABLE_TYPES:
        raise invalid("type", f"{number_type} forwarding numbers cannot be created")
    device_id, phone_number = _device_and_number(body, number_type, context)
    label = _label(body.get("label"), number_type)
    flip = _flip_number(body.get("flipNumber"), context.existing, own_id=None)
    return ForwardingNumber(
        id=number_id,
        extension_id=context.extension_id,
        phone_number=phone_number,
        label=label,
        type=number_type,
        flip_number=flip,
        device_id=device_id,
    )


def update_forwarding_number(
    number: ForwardingNumber, body: Mapping[str, Any], *, context: NumberContext
) -> ForwardingNumber:
    """The number after a PUT; absent fields keep their value."""
    number_type = body.get("type") or number.type
    if number_type != number.type and number_type not in CREATABLE_TYPES:
        raise invalid("type", f"{number_type} is not a type a forwarding number can take")
    if (number_type == "PhoneLine") != (number.type == "PhoneLine"):
        raise invalid("type", "a PhoneLine forwarding number cannot change to or from PhoneLine")
    phone_number = number.phone_number
    if body.get("phoneNumber") is not None:
        if number.type == "PhoneLine":
            raise invalid("phoneNumber", "a PhoneLine forwarding number has a device, not a number")
        phone_number = _checked_number(body["phoneNumber"], context, own_id=number.id)
    if body.get("label") is not None or number_type != number.type:
        label = _label(body.get("label", number.label), number_type)
    else:
        label = number.label
    flip = number.flip_number
    if body.get("flipNumber") is not None:
        flip = _flip_number(body["flipNumber"], context.existing, own_id=number.id)
    return replace(
        number, phone_number=phone_number, label=label, type=number_type, flip_number=flip
    )


def _device_and_number(
    body: Mapping[str, Any], number_type: str, context: NumberContext
) -> tuple[str | None, str | None]:
    device = body.get("device")
    raw_number = body.get("phoneNumber")
    if number_type == "PhoneLine":
        if raw_number is not None:
            raise invalid(
                "phoneNumber", "a PhoneLine forwarding number takes device.id, not a number"
            )
        if not device or device.get("id") is None:
            raise missing("device.id")
        return str(device["id"]), None
    if device is not None:
        raise invalid("device", "device is only for PhoneLine forwarding numbers")
    if raw_number is None:
        raise missing("phoneNumber")
    return None, _checked_number(raw_number, context, own_id=None)


def _checked_number(raw: Any, context: NumberContext, *, own_id: str | None) -> str:
    if not isinstance(raw, str):
        raise invalid("phoneNumber", "must be text")
    number = normalize_phone_number(raw, region=context.region)
    if number in context.account_direct_numbers:
        raise invalid("phoneNumber", f"{number} is a direct number of this account")
    for other in context.existing:
        if other.phone_number == number and other.id != own_id:
            raise ConflictError(
                f"Phone number {number} is already a forwarding number of this extension",
                parameter_name="phoneNumber",
            )
    return number


def _label(raw: Any, number_type: str) -> str:
    # The platform keeps a free label only for Other; typed numbers are named by their type.
    if number_type != "Other":
        return number_type
    if raw is None:
        return ""
    if not isinstance(raw, str) or len(raw) > MAX_LABEL_LENGTH:
        raise invalid("label", f"must be text of at most {MAX_LABEL_LENGTH} characters")
    return raw


def _flip_number(raw: Any, existing: Sequence[ForwardingNumber], *, own_id: str | None) -> int:
    taken = {number.flip_number for number in existing if number.id != own_id}
    if raw is None:
        for digit in FLIP_DIGITS:
            if digit not in taken:
                return digit
        return max(taken, default=0) + 1
    try:
        digit = int(raw)
    except (TypeError, ValueError) as error:
        raise invalid("flipNumber", "must be a digit") from error
    if digit not in FLIP_DIGITS:
        raise invalid("flipNumber", "must be a digit from 1 to 9")
    if digit in taken:
        raise ConflictError(f"flipNumber {digit} is already used", parameter_name="flipNumber")
    return digit


def restored_forwarding_number(
    earlier: ForwardingNumber, *, context: NumberContext
) -> ForwardingNumber:
    """``earlier`` back under its own id, valid among the extension's numbers of today.

    Its phone number must still be free (409 when another number has it since, 400 when
    it became a direct number); its flip digit is kept when free, else the first free one.
    """
    phone_number = earlier.phone_number
    if phone_number is not None:
        phone_number = _checked_number(phone_number, context, own_id=earlier.id)
    taken = {number.flip_number for number in context.existing if number.id != earlier.id}
    flip = earlier.flip_number
    if flip in taken:
        flip = _flip_number(None, context.existing, own_id=earlier.id)
    return replace(
        earlier, extension_id=context.extension_id, phone_number=phone_number, flip_number=flip
    )
