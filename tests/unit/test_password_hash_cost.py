"""The argon2 cost: OWASP's minimum unless a throwaway database asks for less."""

from __future__ import annotations

import pytest
from argon2 import extract_parameters

from ringforward.service.secrets import LOW_COST, STANDARD_COST, hash_cost, hash_password


def test_the_standard_cost_is_owasps_minimum_and_the_default() -> None:
    assert STANDARD_COST == (2, 19456)
    assert hash_cost(None) == hash_cost("") == hash_cost("standard") == STANDARD_COST


def test_low_is_asked_for_by_name_and_anything_else_is_refused() -> None:
    assert hash_cost("low") == LOW_COST
    with pytest.raises(ValueError, match="standard or low"):
        hash_cost("fast")


def test_a_hash_carries_the_cost_it_was_made_with() -> None:
    # The suite runs with RINGFORWARD_PASSWORD_HASH_COST=low (tests/conftest.py).
    parameters = extract_parameters(hash_password("a long enough password"))
    assert (parameters.time_cost, parameters.memory_cost) == LOW_COST
    assert parameters.type.name == "ID"
