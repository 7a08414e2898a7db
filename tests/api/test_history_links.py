"""The history's own ``uri`` and navigation links name ids, never ``~`` (docs/api.md)."""

from __future__ import annotations

import httpx

from tests.support.rest import ACCOUNT_ID, ADMIN_EXT


def test_history_uri_and_navigation_use_canonical_ids_when_asked_with_tilde(
    admin: httpx.Client,
) -> None:
    response = admin.get("/account/~/extension/~/answering-rule/business-hours-rule/history")
    assert response.status_code == 200, response.text
    body = response.json()
    canonical = (
        f"/restapi/v1.0/account/{ACCOUNT_ID}/extension/{ADMIN_EXT}"
        "/answering-rule/business-hours-rule/history?"
    )
    links = [body["uri"], *(link["uri"] for link in body["navigation"].values())]
    assert len(links) >= 3
    for link in links:
        assert "~" not in link and "%7E" not in link.upper(), link
        assert canonical in link, link
