"""RingCentral's request schemas, checked in the service so every edge gets the same 400s.

The schemas are a subset of RingCentral's public OpenAPI document, derived by
``scripts/derive_spec.py`` into ``api/openapi/ringcentral-subset.json``.

A body is checked by a validator compiled to Python code once per schema
(``fastjsonschema``); only a body it refuses goes through the interpreted validator
(``jsonschema``), which names every problem for the 400. The compiled check never
accepts what the interpreted one refuses (``tests/unit/test_compiled_schema.py``): it
asserts no more than the interpreted one does, and it fills in no defaults.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError

from ringforward.domain.errors import ErrorCollector, invalid

SUBSET = Path(__file__).parents[1] / "api" / "openapi" / "ringcentral-subset.json"
# Beyond this many schema errors the response names the first ones only.
MAX_REPORTED = 10


@cache
def ringcentral_subset() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SUBSET.read_text())
    return loaded


def _root(schema_name: str) -> dict[str, Any]:
    """``#/components/schemas/<schema_name>`` with every $ref resolvable."""
    spec = ringcentral_subset()
    return {"$ref": f"#/components/schemas/{schema_name}", "components": spec["components"]}


@cache
def schema_validator(schema_name: str) -> Draft202012Validator:
    """The interpreted validator: slower, and it explains every problem."""
    return Draft202012Validator(_root(schema_name))


@cache
def compiled_validator(schema_name: str) -> Callable[[Any], Any]:
    """The compiled validator: raises ``JsonSchemaValueException`` for a body it refuses.

    ``format`` is not asserted (the interpreted validator treats it as an annotation) and
    defaults are not written into the body.
    """
    return fastjsonschema.compile(
        _root(schema_name), use_default=False, use_formats=False, detailed_exceptions=False
    )


def check_schema(body: Any, schema_name: str) -> Mapping[str, Any]:
    """``body`` if it fits RingCentral's request schema; else a 400 naming each parameter."""
    if not isinstance(body, Mapping):
        raise invalid("body", "must be a JSON object")
    try:
        compiled_validator(schema_name)(body)
    except fastjsonschema.JsonSchemaValueException:
        pass  # refused: the interpreted validator tells why
    else:
        return body
    problems = ErrorCollector()
    errors = sorted(schema_validator(schema_name).iter_errors(body), key=_error_order)
    reported: set[str] = set()
    for error in errors[:MAX_REPORTED]:
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
    return body


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
