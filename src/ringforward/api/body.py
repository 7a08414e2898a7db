"""Reading request bodies: content type, size, JSON syntax and RingCentral's schema."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl

from fastapi import Request
from jsonschema.exceptions import ValidationError as SchemaError

from ringforward.api.errors import HttpError
from ringforward.api.spec import schema_validator
from ringforward.domain.errors import ErrorCollector

MAX_BODY_BYTES = 1024 * 1024


async def _raw_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise HttpError(413, f"Request body is larger than {limit} bytes", code="CMN-413")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HttpError(413, f"Request body is larger than {limit} bytes", code="CMN-413")
        chunks.append(chunk)
    return b"".join(chunks)


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def read_json(
    request: Request,
    schema_name: str | None,
    *,
    media_types: Iterable[str] = ("application/json",),
) -> dict[str, Any]:
    """The JSON object of a request, checked against RingCentral's request schema."""
    allowed = tuple(media_types)
    if _media_type(request) not in allowed:
        raise HttpError(
            415, f"Unsupported Media Type: expected {' or '.join(allowed)}", code="CMN-415"
        )
    limit: int = getattr(request.app.state, "max_body_bytes", MAX_BODY_BYTES)
    raw = await _raw_body(request, limit)
    try:
        body = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise HttpError(400, f"Request body is not valid JSON: {error}", code="CMN-101") from error
    except RecursionError as error:
        # Deep nesting exhausts the parser's stack; no request of ours nests that deep.
        raise HttpError(400, "Request body is nested too deeply", code="CMN-101") from error
    if schema_name is None:
        return body if isinstance(body, dict) else {"__value__": body}
    if not isinstance(body, dict):
        raise HttpError(400, "Request body must be a JSON object", code="CMN-101")
    check_schema(body, schema_name)
    return body


def _reject_constant(name: str) -> Any:
    # NaN and Infinity are Python's extensions, not JSON: refuse them like any bad syntax.
    raise json.JSONDecodeError(f"{name} is not a JSON value", name, 0)


def check_schema(body: Any, schema_name: str) -> None:
    """Raise a 400 naming each parameter whose type or enum value breaks the schema."""
    problems = ErrorCollector()
    errors = sorted(schema_validator(schema_name).iter_errors(body), key=_error_order)
    reported: set[str] = set()
    for error in errors[:10]:
        name = parameter_path(error)
        if error.validator == "required":
            # Name the missing field itself, as RingCentral's CMN-100 does, not its parent;
            # the validator reports each missing field once per field, hence ``reported``.
            for field in _missing_fields(error):
                path = f"{name}.{field}" if name != "body" else field
                if path not in reported:
                    reported.add(path)
                    problems.add(f"Required parameter [{path}] is missing", path, "CMN-100")
            continue
        problems.add(f"Parameter [{name}] value is invalid: {_reason(error)}", name)
    problems.raise_if_any()


def _missing_fields(error: SchemaError) -> list[str]:
    present = error.instance if isinstance(error.instance, dict) else {}
    required = error.validator_value if isinstance(error.validator_value, list) else []
    return [str(field) for field in required if field not in present]


def _error_order(error: SchemaError) -> tuple[int, str]:
    return (len(error.absolute_path), parameter_path(error))


def parameter_path(error: SchemaError) -> str:
    """``forwarding.rules[0].ringCount`` for an error at that place in the body."""
    text = ""
    for part in error.absolute_path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "body"


def _reason(error: SchemaError) -> str:
    if error.validator == "enum":
        return f"must be one of {', '.join(str(v) for v in error.validator_value)}"  # type: ignore[union-attr]
    if error.validator == "type":
        return f"must be of type {error.validator_value}"
    return str(error.message)[:200]


async def read_form(request: Request) -> dict[str, str]:
    """An ``application/x-www-form-urlencoded`` body, as the token endpoints take."""
    if _media_type(request) != "application/x-www-form-urlencoded":
        raise HttpError(
            415,
            "Unsupported Media Type: expected application/x-www-form-urlencoded",
            code="CMN-415",
        )
    limit: int = getattr(request.app.state, "max_body_bytes", MAX_BODY_BYTES)
    raw = await _raw_body(request, limit)
    try:
        return dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
    except UnicodeDecodeError as error:
        raise HttpError(400, "Request body is not valid UTF-8", code="CMN-101") from error
