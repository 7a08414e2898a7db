"""The compiled request-schema check never accepts a body the interpreted one refuses.

``check_schema`` answers from the compiled validator when it accepts a body, so the two
must agree on every body it accepts; bodies are drawn from the schemas themselves (valid
values, wrong types, enum values and strangers, missing and extra fields).
"""

from __future__ import annotations

from typing import Any

import fastjsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ringforward.service.schema import (
    check_schema,
    compiled_validator,
    ringcentral_subset,
    schema_validator,
)

SCHEMAS = (
    "CreateAnsweringRuleRequest",
    "UpdateAnsweringRuleRequest",
    "UserBusinessHoursUpdateRequest",
    "CreateForwardingNumberRequest",
    "UpdateForwardingNumberRequest",
    "DeleteForwardingNumbersRequest",
    "CommStateUpdateRequest",
    "CommStateBasedRuleUpdateRequest",
    "CommInteractionRuleCreateRequest",
    "CommInteractionRuleUpdateRequest",
    "CommRemoveForwardingTargetsRequest",
)
MAX_DEPTH = 6

ANY_LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0, 1, 1.0, 2.5, -1, "", "1", "true", "+16505550100", "2026-12-01"]),
    st.text(max_size=8),
)


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        schema = ringcentral_subset()["components"]["schemas"][name]
    return schema


def _values(schema: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
    """Mostly what the schema describes, sometimes anything at all."""
    schema = _resolve(schema)
    if depth >= MAX_DEPTH:
        return ANY_LEAF
    branches = schema.get("allOf", []) + schema.get("oneOf", []) + schema.get("anyOf", [])
    fitting: list[st.SearchStrategy[Any]] = []
    if branches:
        merged: dict[str, Any] = {}
        for branch in branches:
            merged.update(_resolve(branch).get("properties", {}))
        fitting.append(_object({**schema, "properties": merged}, depth))
        fitting += [_values(branch, depth + 1) for branch in branches]
    if "enum" in schema:
        fitting.append(st.sampled_from(schema["enum"]))
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        fitting.append(_object(schema, depth))
    elif kind == "array":
        fitting.append(st.lists(_values(schema.get("items", {}), depth + 1), max_size=4))
    elif kind == "integer":
        fitting.append(st.integers(min_value=-5, max_value=1000))
    elif kind == "number":
        fitting.append(st.floats(min_value=-5, max_value=1000))
    elif kind == "string":
        fitting.append(st.text(max_size=80))
    elif kind == "boolean":
        fitting.append(st.booleans())
    return _mostly(st.one_of(*fitting)) if fitting else ANY_LEAF


def _mostly(fitting: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """The fitting value, and once in a while anything at all."""
    return st.integers(0, 31).flatmap(lambda roll: ANY_LEAF if roll == 0 else fitting)


def _object(schema: dict[str, Any], depth: int) -> st.SearchStrategy[dict[str, Any]]:
    properties = schema.get("properties", {})
    optional = {name: _values(sub, depth + 1) for name, sub in properties.items()}
    return st.fixed_dictionaries({}, optional={**optional, "unexpectedField": ANY_LEAF})


@pytest.mark.parametrize("schema_name", SCHEMAS)
@given(data=st.data())
def test_the_compiled_check_accepts_only_what_the_interpreted_one_accepts(
    schema_name: str, data: st.DataObject
) -> None:
    body = data.draw(_values({"$ref": f"#/components/schemas/{schema_name}"}, 0))
    try:
        compiled_validator(schema_name)(body)
    except fastjsonschema.JsonSchemaValueException:
        return
    assert list(schema_validator(schema_name).iter_errors(body)) == []


def test_the_compiled_check_leaves_the_body_as_it_was() -> None:
    body = {"forwarding": {"rules": [{"index": 1, "forwardingNumbers": [{"id": "1"}]}]}}
    before = repr(body)
    assert check_schema(body, "UpdateAnsweringRuleRequest") is body
    assert repr(body) == before
