"""Phone number normalisation to E.164, in the account's country."""

from __future__ import annotations

import phonenumbers

from ringforward.domain.errors import invalid

DEFAULT_REGION = "US"


def normalize_phone_number(
    raw: str, *, region: str = DEFAULT_REGION, parameter_name: str = "phoneNumber"
) -> str:
    """Return ``raw`` in E.164 (``+16505550100``) or raise a 400 naming ``parameter_name``.

    National formats are read in ``region``; anything that is not a possible, valid
    number is refused, so no impossible number is ever stored.
    """
    text = raw.strip() if isinstance(raw, str) else ""
    if not text or len(text) > 40:
        raise invalid(parameter_name, "not a phone number")
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as error:
        raise invalid(parameter_name, "not a phone number") from error
    if not phonenumbers.is_possible_number(parsed) or not phonenumbers.is_valid_number(parsed):
        raise invalid(parameter_name, f"{text!r} is not a valid phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def same_phone_number(left: str, right: str, *, region: str = DEFAULT_REGION) -> bool:
    """True when two numbers are equal after normalisation (caller-id matching)."""
    try:
        return normalize_phone_number(left, region=region) == normalize_phone_number(
            right, region=region
        )
    except Exception:
        return left.strip() == right.strip()


def try_normalize(raw: str, *, region: str = DEFAULT_REGION) -> str | None:
    """E.164 form of ``raw``, or None when it is not a valid number."""
    try:
        return normalize_phone_number(raw, region=region)
    except Exception:
        return None
