"""Reading request bodies: content type, size and JSON syntax."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl

import orjson
from fastapi import Request

from ringforward.api.errors import HttpError

MAX_BODY_BYTES = 1024 * 1024
# As many digits as the largest 64-bit integer has, or more.
_LONG_DIGITS = re.compile(rb"[0-9]{19}")


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


async def read_json_value(
    request: Request, *, media_types: Iterable[str] = ("application/json",)
) -> Any:
    """The JSON value of a request body, after its media type, size and syntax are checked."""
    allowed = tuple(media_types)
    if _media_type(request) not in allowed:
        raise HttpError(
            415, f"Unsupported Media Type: expected {' or '.join(allowed)}", code="CMN-415"
        )
    limit: int = getattr(request.app.state, "max_body_bytes", MAX_BODY_BYTES)
    return parse_json(await _raw_body(request, limit))


def parse_json(raw: bytes) -> Any:
    """The JSON value of a body's bytes; a 400 when they are not JSON.

    orjson reads a body about six times faster than the standard library, and reads what
    it takes as the standard library does, but for an integer beyond 64 bits (a float to
    orjson): a body with 19 digits in a row, and one orjson refuses (bad syntax, but also
    an escaped lone surrogate, which ``api/text_guard.py`` names), is read by the
    standard library, which takes it or says why not."""
    if not _LONG_DIGITS.search(raw):
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
    try:
        body = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant, parse_float=_finite)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise HttpError(400, f"Request body is not valid JSON: {error}", code="CMN-101") from error
    except RecursionError as error:
        # Deep nesting exhausts the parser's stack; no request of ours nests that deep.
        raise HttpError(400, "Request body is nested too deeply", code="CMN-101") from error
    return body


async def read_json(request: Request) -> dict[str, Any]:
    """The JSON object of a request; the service checks it against RingCentral's schema."""
    body = await read_json_value(request)
    if not isinstance(body, dict):
        raise HttpError(400, "Request body must be a JSON object", code="CMN-101")
    return body


def _reject_constant(name: str) -> Any:
    # NaN and Infinity are Python's extensions, not JSON: refuse them like any bad syntax.
    raise json.JSONDecodeError(f"{name} is not a JSON value", name, 0)


def _finite(text: str) -> float:
    # A number too large for a float (1e400) would be read as infinity, which no JSON
    # answer can hold: refused like NaN (orjson refuses it too).
    value = float(text)
    if not math.isfinite(value):
        raise json.JSONDecodeError(f"{text} is out of range", text, 0)
    return value


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
