"""Derive the OpenAPI subset ringforward serves from RingCentral's public spec.

Usage: uv run python scripts/derive_spec.py ../shared/spec/ringcentral-openapi.json
Writes src/ringforward/api/openapi/ringcentral-subset.json: only the operations we
implement and the components they reach, so request validation and our published
document use RingCentral's own field names, enums and response schemas.

It also writes tests/support/ringcentral-test-spec.json: the operations the tests check our
answers against that the service does not publish (``GET /restapi/{apiVersion}``: in the
published document its template would also match ``/restapi/openapi.json`` and change that
path's throttling group), with the components they reach. The tests read both files and
nothing outside the repository.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

V2 = "/restapi/v2/accounts/{accountId}/extensions/{extensionId}/comm-handling"
OPERATIONS = {
    "/restapi": ["get"],
    "/restapi/oauth/token": ["post"],
    "/restapi/oauth/revoke": ["post"],
    "/restapi/v1.0/account/{accountId}": ["get"],
    "/restapi/v1.0/account/{accountId}/extension": ["get"],
    "/restapi/v1.0/account/{accountId}/extension/{extensionId}": ["get"],
    "/restapi/v1.0/account/{accountId}/extension/{extensionId}/forwarding-number": [
        "get",
        "post",
        "delete",
    ],
    "/restapi/v1.0/account/{accountId}/extension/{extensionId}/forwarding-number/{forwardingNumberId}": [  # noqa: E501
        "get",
        "put",
        "delete",
    ],
    "/restapi/v1.0/account/{accountId}/extension/{extensionId}/answering-rule": ["get", "post"],
    "/restapi/v1.0/account/{accountId}/extension/{extensionId}/answering-rule/{ruleId}": [
        "get",
        "put",
        "delete",
    ],
    "/restapi/v1.0/account/{accountId}/extension/{extensionId}/business-hours": ["get", "put"],
    "/restapi/v1.0/account/{accountId}/extension/{extensionId}/device": ["get"],
    "/restapi/v1.0/account/{accountId}/device/{deviceId}/sip-info": ["get"],
    "/restapi/v1.0/account/{accountId}/extension/{extensionId}/features": ["get"],
    f"{V2}/states": ["get"],
    f"{V2}/states/{{stateId}}": ["get", "patch"],
    f"{V2}/voice/state-rules": ["get"],
    f"{V2}/voice/state-rules/{{stateId}}": ["get", "patch"],
    f"{V2}/voice/interaction-rules": ["get", "post"],
    f"{V2}/voice/interaction-rules/{{ruleId}}": ["get", "patch", "delete"],
    f"{V2}/voice/forwarding-targets": ["get", "delete"],
    f"{V2}/voice/forwarding-targets/devices/{{deviceId}}/extensions": ["get"],
}
# RingCentral's generic error answers that our operations give beyond those the operations
# above list themselves; the service's published document refers to them by name.
ERROR_RESPONSES = [
    "Unauthorized",
    "Forbidden",
    "Conflict",
    "TooManyRequests",
    "UnsupportedMediaType",
]
# Checked by the tests only; see the module's docstring.
TEST_OPERATIONS = {
    "/restapi/{apiVersion}": ["get"],
}
ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "src/ringforward/api/openapi/ringcentral-subset.json"
TEST_OUTPUT = ROOT / "tests/support/ringcentral-test-spec.json"


def _refs(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                found.add(value)
            else:
                found |= _refs(value)
    elif isinstance(node, list):
        for value in node:
            found |= _refs(value)
    return found


def derive(spec: dict[str, Any], operations: dict[str, list[str]] = OPERATIONS) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for path, methods in operations.items():
        source = spec["paths"][path]
        paths[path] = {m: source[m] for m in methods}
        if "parameters" in source:
            paths[path]["parameters"] = source["parameters"]
    components: dict[str, dict[str, Any]] = {}
    pending = _refs(paths) | {f"#/components/responses/{name}" for name in ERROR_RESPONSES}
    while pending:
        ref = pending.pop()
        _, _, kind, name = ref.split("/", 3)
        if name in components.setdefault(kind, {}):
            continue
        node = spec["components"][kind][name]
        components[kind][name] = node
        pending |= _refs(node)
    components["securitySchemes"] = spec["components"]["securitySchemes"]
    return {
        "openapi": spec["openapi"],
        "info": {
            "title": "ringforward (RingCentral-compatible subset)",
            "version": "1.0",
            "description": "The RingCentral operations ringforward implements, with "
            "RingCentral's own schemas.",
        },
        "paths": paths,
        "components": components,
    }


def derive_test_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """The test-only operations, with only the components the service subset lacks."""
    served = derive(spec)["components"]
    extra = derive(spec, TEST_OPERATIONS)
    extra["info"] = {
        "title": "RingCentral operations the tests check but ringforward does not publish",
        "version": "1.0",
        "description": "Read by tests/support/spec.py beside ringcentral-subset.json.",
    }
    extra["components"] = {
        kind: missing
        for kind, nodes in extra["components"].items()
        if (missing := {k: v for k, v in nodes.items() if k not in served.get(kind, {})})
    }
    return extra


def _write(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")
    print(f"wrote {path} ({path.stat().st_size} bytes)")


def main() -> None:
    source = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/spec/ringcentral-openapi.json")
    spec = json.loads(source.read_text())
    _write(OUTPUT, derive(spec))
    _write(TEST_OUTPUT, derive_test_spec(spec))


if __name__ == "__main__":
    main()
