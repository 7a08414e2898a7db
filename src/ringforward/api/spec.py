"""RingCentral's schemas for our operations, loaded once, as JSON-Schema validators."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

SUBSET = Path(__file__).with_name("openapi") / "ringcentral-subset.json"


@cache
def ringcentral_subset() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SUBSET.read_text())
    return loaded


@cache
def schema_validator(schema_name: str) -> Draft202012Validator:
    """A validator for ``#/components/schemas/<schema_name>`` with every $ref resolvable."""
    spec = ringcentral_subset()
    root = {"$ref": f"#/components/schemas/{schema_name}", "components": spec["components"]}
    return Draft202012Validator(root)
