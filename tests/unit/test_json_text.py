"""orjson reads and writes JSON as the standard library does, where the service uses it.

``api/body.py parse_json`` reads a body with orjson unless it is one orjson would read
otherwise, and ``json_text.json_bytes`` writes answers and stored documents with it:
both must give what the standard library gives (values of the same types; the same
bytes for everything but floats), and refuse what it refuses.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ringforward.api.body import parse_json
from ringforward.api.errors import HttpError
from ringforward.json_text import json_bytes

# Text of every kind: control characters, quotes and backslashes, non-ASCII, astral
# characters, and lone surrogates (which only an escape in a body can make).
TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=12)
INTEGERS = st.one_of(
    st.integers(min_value=-(2**64), max_value=2**64),
    st.integers(),  # beyond 64 bits too
    st.sampled_from([0, -1, 2**63 - 1, -(2**63), 2**63, 2**64 - 1, 2**64, -(2**63) - 1]),
)
FLOATS = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, -0.0, 1e-05, 2.5e-07, 1e16, 1e22, 5e-324, 1.7976931348623157e308]),
)


def _documents(leaves: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)
        ),
        max_leaves=20,
    )


WRITTEN = _documents(st.one_of(st.none(), st.booleans(), INTEGERS, TEXT))
READ = _documents(st.one_of(st.none(), st.booleans(), INTEGERS, FLOATS, TEXT))


def _standard(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()


def _typed(value: Any) -> Any:
    """A value with the type of every part in it: 1 and 1.0 and True differ."""
    if isinstance(value, dict):
        return {key: _typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_typed(item) for item in value]
    return (type(value).__name__, repr(value))


@given(WRITTEN)
def test_what_the_service_writes_is_the_standard_librarys_text(value: Any) -> None:
    try:
        expected = _standard(value)
    except UnicodeEncodeError:  # a lone surrogate: no UTF-8 text holds it
        with pytest.raises((UnicodeEncodeError, TypeError)):
            json_bytes(value)
        return
    assert json_bytes(value) == expected


@given(READ, st.booleans())
def test_a_body_is_read_as_the_standard_library_reads_it(value: Any, ascii_only: bool) -> None:
    raw = json.dumps(value, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
    try:
        expected = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        with pytest.raises(HttpError):
            parse_json(raw)
        return
    assert _typed(parse_json(raw)) == _typed(expected)


@pytest.mark.parametrize(
    "raw",
    [
        b"{nope",
        b'{"a": NaN}',
        b'{"a": Infinity}',
        b'{"a": 1e400}',  # infinity to the standard library: no answer could hold it
        b'{"a": -1e400}',
        b"\xef\xbb\xbf{}",
        b"\xff",
        b"[1,]",
        b'{"a": "\x01"}',
        b"[" * 100_000,
    ],
)
def test_what_is_not_json_is_refused(raw: bytes) -> None:
    with pytest.raises(HttpError) as refused:
        parse_json(raw)
    assert refused.value.status == 400
