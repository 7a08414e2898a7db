"""A RingCentral-compatible HTTP client and a safe ring-group editor built on it."""

from ringforward.client.errors import ClientError, RingCentralError, TransportError
from ringforward.client.rest import RetryPolicy, RingCentralClient, Token
from ringforward.client.ringgroups import EditResult, RingGroupEditor, SafeWritePolicy
from ringforward.client.settings import ConnectionSettings

__all__ = [
    "ClientError",
    "ConnectionSettings",
    "EditResult",
    "RetryPolicy",
    "RingCentralClient",
    "RingCentralError",
    "RingGroupEditor",
    "SafeWritePolicy",
    "Token",
    "TransportError",
]
