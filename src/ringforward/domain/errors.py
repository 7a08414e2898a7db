"""Domain errors, each carrying the RingCentral errorCode it is reported with."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ErrorDetail:
    """One entry of a RingCentral error body's ``errors[]``."""

    error_code: str
    message: str
    parameter_name: str | None = None


class DomainError(Exception):
    """A refused operation. Subclasses say why; edges map them to HTTP statuses."""

    default_code = "CMN-101"
    # The status every edge answers with; kept beside the errorCode so no edge re-derives it.
    status = 400

    def __init_subclass__(
        cls, *, code: str | None = None, status: int | None = None, **kwargs: Any
    ) -> None:
        """``class X(DomainError, code=..., status=...)`` names its errorCode and status."""
        super().__init_subclass__(**kwargs)
        if code is not None:
            cls.default_code = code
        if status is not None:
            cls.status = status

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        parameter_name: str | None = None,
        details: list[ErrorDetail] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.parameter_name = parameter_name
        self.details: list[ErrorDetail] = details or [
            ErrorDetail(self.code, message, parameter_name)
        ]


class ValidationError(DomainError, code="CMN-101"):
    """The request names something impossible or breaks a rule of the platform (HTTP 400)."""


class MissingParameterError(ValidationError, code="CMN-100"):
    """A required parameter is absent (HTTP 400)."""


class NotFoundError(DomainError, code="CMN-102", status=404):
    """The resource does not exist or is not visible to the caller (HTTP 404)."""


class ConflictError(DomainError, code="CMN-114", status=409):
    """The change collides with existing state, e.g. a duplicate phone number (HTTP 409)."""


class PermissionDeniedError(DomainError, code="CMN-408", status=403):
    """The caller may see the resource but not change it (HTTP 403)."""


class PreconditionFailedError(DomainError, code="CMN-412", status=412):
    """An ``If-Match`` tag no longer matches the resource (HTTP 412)."""


@dataclass
class ErrorCollector:
    """Gathers several validation problems so one response can name them all."""

    details: list[ErrorDetail] = field(default_factory=list)

    def add(self, message: str, parameter_name: str, code: str = "CMN-101") -> None:
        self.details.append(ErrorDetail(code, message, parameter_name))

    def raise_if_any(self) -> None:
        if self.details:
            first = self.details[0]
            raise ValidationError(
                first.message,
                code=first.error_code,
                parameter_name=first.parameter_name,
                details=list(self.details),
            )


def invalid(parameter_name: str, why: str = "") -> ValidationError:
    """The standard CMN-101 error for one parameter, with an optional reason."""
    message = f"Parameter [{parameter_name}] value is invalid"
    if why:
        message = f"{message}: {why}"
    return ValidationError(message, parameter_name=parameter_name)


def missing(parameter_name: str) -> MissingParameterError:
    return MissingParameterError(
        f"Required parameter [{parameter_name}] is missing", parameter_name=parameter_name
    )


# RingCentral publishes no code for a disabled extension; this one is ours (docs/api.md).
EXTENSION_DISABLED_CODE = "OAU-149"
EXTENSION_DISABLED = "Extension is disabled"


def not_found(parameter_name: str) -> NotFoundError:
    return NotFoundError(
        f"Resource for parameter [{parameter_name}] is not found", parameter_name=parameter_name
    )


class AuthenticationError(DomainError, code="OAU-213", status=401):
    """No valid access token came with the request (HTTP 401)."""


class TooManyAttemptsError(DomainError, code="CMN-301", status=429):
    """Sign-in refused for now, after too many attempts (HTTP 429 with ``Retry-After``)."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many sign-in attempts. Try again in {retry_after} seconds.")
        self.retry_after = retry_after


class OAuthError(DomainError, code="OAU-140"):
    """A token-endpoint refusal; carries OAuth's ``error`` and the HTTP status to use."""

    def __init__(
        self,
        message: str,
        *,
        oauth_error: str,
        code: str | None = None,
        status: int = 400,
        parameter_name: str | None = None,
    ) -> None:
        super().__init__(message, code=code, parameter_name=parameter_name)
        self.oauth_error = oauth_error
        self.status = status
