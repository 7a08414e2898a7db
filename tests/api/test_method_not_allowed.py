"""A 405 names every method the path takes (RFC 9110 §15.5.6), not only the first route's."""

from __future__ import annotations

import httpx

from tests.support.rest import rules_path
from tests.support.spec import assert_ringcentral_error


def allowed(response: httpx.Response) -> set[str]:
    return {method.strip() for method in response.headers["Allow"].split(",")}


def test_a_405_on_a_rule_lists_get_put_patch_and_delete(admin: httpx.Client) -> None:
    response = admin.post(f"{rules_path()}/business-hours-rule", json={})
    assert_ringcentral_error(response, 405)
    assert {"GET", "PUT", "PATCH", "DELETE"} <= allowed(response)
    assert "POST" not in allowed(response)


def test_a_405_on_the_rule_list_lists_get_and_post(admin: httpx.Client) -> None:
    response = admin.delete(rules_path())
    assert_ringcentral_error(response, 405)
    assert {"GET", "POST"} <= allowed(response)
    assert "DELETE" not in allowed(response)
