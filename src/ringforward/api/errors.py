"""RingCentral error bodies and the HTTP status of every refusal."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from ringforward.domain.errors import DomainError, OAuthError, TooManyAttemptsError


class HttpError(DomainError):
    """A refusal decided by the HTTP edge itself (content type, size, method…)."""

    def __init__(self, status: int, message: str, *, code: str) -> None:
        super().__init__(message, code=code)
        self.status = status


def error_body(error: DomainError) -> dict[str, Any]:
    errors = []
    for detail in error.details:
        entry: dict[str, Any] = {"errorCode": detail.error_code, "message": detail.message}
        if detail.parameter_name:
            entry["parameterName"] = detail.parameter_name
        errors.append(entry)
    body: dict[str, Any] = {"errorCode": error.code, "message": error.message, "errors": errors}
    if isinstance(error, OAuthError):
        body["error"] = error.oauth_error
        body["error_description"] = error.message
    return body


def error_response(error: DomainError, headers: dict[str, str] | None = None) -> JSONResponse:
    status = error.status
    all_headers = dict(headers or {})
    if status == 401:
        all_headers.setdefault("WWW-Authenticate", "Bearer")
    if isinstance(error, TooManyAttemptsError):
        all_headers["Retry-After"] = str(error.retry_after)
    return JSONResponse(error_body(error), status_code=status, headers=all_headers)


async def on_domain_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, DomainError)
    return error_response(error)


_HTTP_CODES = {404: "CMN-102", 405: "CMN-405", 413: "CMN-413", 415: "CMN-415"}


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def allowed_methods(request: Request) -> str:
    """Every method some route takes at this path. Each method of a path is a route of its
    own, so Starlette's 405 would name only the first route that matched the path."""
    routes = request.app.router.routes
    return ", ".join(
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes
        )
    )


async def on_http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    message = {404: "Resource not found", 405: "Method not allowed"}.get(
        error.status_code, str(error.detail)
    )
    code = _HTTP_CODES.get(error.status_code, "CMN-101")
    headers = dict(error.headers or {})
    if error.status_code == 405:
        headers["Allow"] = allowed_methods(request) or headers.get("Allow", "")
    return error_response(HttpError(error.status_code, message, code=code), headers)


async def on_request_validation_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    first = error.errors()[0] if error.errors() else {}
    name = ".".join(str(part) for part in first.get("loc", ())[1:]) or "request"
    return error_response(DomainError(f"Parameter [{name}] value is invalid", parameter_name=name))
