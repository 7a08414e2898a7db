"""Password and token hashing, and constant-time comparison."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# Moderate cost: secure enough for a self-hosted sandbox and fast enough for test suites.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
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
