"""Validating our responses against RingCentral's own response schemas."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import httpx
from jsonschema import Draft202012Validator

# Both made from RingCentral's public spec by scripts/derive_spec.py; nothing outside the
# repository is read, so a clone on its own runs the same checks.
VENDORED = (
    Path(__file__).resolve().parents[2] / "src/ringforward/api/openapi/ringcentral-subset.json"
)
TEST_ONLY = Path(__file__).with_name("ringcentral-test-spec.json")


@cache
def spec() -> dict[str, Any]:
    """RingCentral's operations and schemas that the tests check our answers against."""
    merged: dict[str, Any] = json.loads(VENDORED.read_text())
    extra: dict[str, Any] = json.loads(TEST_ONLY.read_text())
    merged["paths"] = {**merged["paths"], **extra["paths"]}
    for kind, nodes in extra["components"].items():
        merged["components"][kind] = {**merged["components"].get(kind, {}), **nodes}
    return merged


def response_schema(path: str, method: str, status: int) -> dict[str, Any] | None:
    operation = spec()["paths"].get(path, {}).get(method.lower())
    if operation is None:
        raise AssertionError(f"no {method} {path} in the vendored spec: see scripts/derive_spec.py")
    response = operation["responses"].get(str(status))
    if response is None:
        raise AssertionError(f"the spec has no {status} response for {method} {path}")
    content = response.get("content", {}).get("application/json")
    return content["schema"] if content else None


def assert_matches_spec(response: httpx.Response, path: str, method: str | None = None) -> Any:
    """Assert the response validates against the spec's schema for this operation and status.

    ``path`` is the spec's path template, e.g.
    ``/restapi/v1.0/account/{accountId}/extension/{extensionId}/forwarding-number``.
    """
    method = method or response.request.method
    schema = response_schema(path, method, response.status_code)
    if schema is None:
        return None
    body = response.json()
    root = {**schema, "components": spec()["components"]}
    errors = sorted(Draft202012Validator(root).iter_errors(body), key=lambda e: list(e.path))
    assert not errors, "; ".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
    return body


def assert_ringcentral_error(
    response: httpx.Response, status: int, parameter: str | None = None
) -> dict[str, Any]:
    """Assert a RingCentral error body with this status (and parameter name, if given)."""
    assert response.status_code == status, (response.status_code, response.text)
    body: dict[str, Any] = response.json()
    assert isinstance(body.get("errorCode"), str) and body["errorCode"], body
    assert isinstance(body.get("message"), str) and body["message"], body
    assert isinstance(body.get("errors"), list) and body["errors"], body
    for entry in body["errors"]:
        assert entry["errorCode"] and entry["message"], body
    if parameter is not None:
        names = [entry.get("parameterName") for entry in body["errors"]]
        assert parameter in names, (parameter, names)
    return body
