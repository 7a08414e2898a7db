"""Errors raised by the client, carrying RingCentral's errorCode, message and parameter name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx


@dataclass(frozen=True)
class ErrorEntry:
    """One entry of a RingCentral error body's ``errors[]``."""

    error_code: str | None
    message: str
    parameter_name: str | None = None


class ClientError(Exception):
    """Anything the client could not do; ``message`` is meant for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TransportError(ClientError):
    """The server could not be reached or did not answer (no HTTP status to report)."""


class RingCentralError(ClientError):
    """A refusal by the server, with the fields of its RingCentral error body.

    ``error_code`` is RingCentral's (``CMN-101``, ``OAU-140``…) when the body carried one,
    ``status`` the HTTP status, ``parameter_name`` the first parameter the server blamed.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int,
        error_code: str | None = None,
        parameter_name: str | None = None,
        errors: tuple[ErrorEntry, ...] = (),
        response: httpx.Response | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.error_code = error_code
        self.parameter_name = parameter_name
        self.errors = errors
        self.response = response

    def __str__(self) -> str:
        code = f"{self.error_code} " if self.error_code else ""
        return f"{code}(HTTP {self.status}): {self.message}"

    @classmethod
    def from_response(cls, response: httpx.Response) -> RingCentralError:
        """Read RingCentral's error body (or OAuth's) from a failed response."""
        try:
            body: Any = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            text = response.text.strip()[:300] or response.reason_phrase
            return cls(text, status=response.status_code, response=response)
        entries = tuple(
            ErrorEntry(
                error_code=_text(entry.get("errorCode")),
                message=_text(entry.get("message")) or "",
                parameter_name=_text(entry.get("parameterName")),
            )
            for entry in body.get("errors") or []
            if isinstance(entry, dict)
        )
        message = (
            _text(body.get("message"))
            or _text(body.get("error_description"))
            or (entries[0].message if entries else None)
            or response.reason_phrase
        )
        code = _text(body.get("errorCode")) or (entries[0].error_code if entries else None)
        parameter = next((e.parameter_name for e in entries if e.parameter_name), None)
        return cls(
            message,
            status=response.status_code,
            error_code=code or _text(body.get("error")),
            parameter_name=parameter,
            errors=entries,
            response=response,
        )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
