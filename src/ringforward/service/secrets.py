"""Password and token hashing, and constant-time comparison."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# OWASP's minimum for argon2id: 19 MiB, two passes, one lane (about 30 ms a hash here).
STANDARD_COST = (2, 19456)
# RINGFORWARD_PASSWORD_HASH_COST=low is for throwaway databases only, such as a test
# suite's, which hashes and checks the demo passwords thousands of times: one pass over
# 1 MiB. Hashes keep their own cost, so one made either way is checked either way.
LOW_COST = (1, 1024)


def hash_cost(setting: str | None) -> tuple[int, int]:
    """(time cost, memory in KiB) for the value of RINGFORWARD_PASSWORD_HASH_COST."""
    if setting in (None, "", "standard"):
        return STANDARD_COST
    if setting == "low":
        return LOW_COST
    raise ValueError(f"RINGFORWARD_PASSWORD_HASH_COST must be standard or low, not {setting!r}")


_time_cost, _memory_cost = hash_cost(os.environ.get("RINGFORWARD_PASSWORD_HASH_COST"))
_hasher = PasswordHasher(time_cost=_time_cost, memory_cost=_memory_cost, parallelism=1)
# Verified against when the login name is unknown, so timing does not reveal which it was.
_DUMMY_HASH = _hasher.hash("ringforward-no-such-user")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def hash_token(token: str) -> str:
    """Tokens are stored only as SHA-256 digests: a stolen database holds no usable token."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def same_secret(left: str, right: str) -> bool:
    return hmac.compare_digest(left.encode(), right.encode())
