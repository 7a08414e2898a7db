"""NUL and unpaired surrogates, which PostgreSQL cannot store, are a 400 on both backends.

They are refused at the edge, wherever they come (path, query, JSON or form body), before
any use case runs, so SQLite and PostgreSQL answer alike and nothing is changed.
"""

from __future__ import annotations

import httpx

from tests.support.rest import csrf_of, fresh_number, numbers_path, rules_path
from tests.support.servers import CLIENT_ID, CLIENT_SECRET, PASSWORD, LiveServer
from tests.support.spec import assert_ringcentral_error


def test_nul_and_lone_surrogates_are_refused_with_a_400_on_every_backend(
    live_server: LiveServer,
) -> None:
    with live_server.client() as admin:
        before = admin.get(numbers_path()).json()["records"]
        nul_label = admin.post(
            numbers_path(), json={"phoneNumber": fresh_number(), "label": "desk\x00phone"}
        )
        assert_ringcentral_error(nul_label, 400, "label")
        surrogate = admin.post(
            numbers_path(),
            content=b'{"phoneNumber": "' + fresh_number().encode() + b'", "label": "\\ud800"}',
            headers={"Content-Type": "application/json"},
        )
        assert_ringcentral_error(surrogate, 400, "label")
        assert admin.get(numbers_path()).json()["records"] == before

        assert_ringcentral_error(admin.get(f"{rules_path()}/rule%00id"), 400, "ruleId")
        assert_ringcentral_error(
            admin.get(rules_path(), params={"type": "Custom\x00"}), 400, "type"
        )

    grant = httpx.post(
        f"{live_server.base_url}/restapi/oauth/token",
        auth=(CLIENT_ID, CLIENT_SECRET),
        data={"grant_type": "password", "username": "admin\x00@example.com", "password": PASSWORD},
    )
    body = assert_ringcentral_error(grant, 400, "username")
    assert body["error"] == "invalid_request"

    with httpx.Client(base_url=live_server.base_url, timeout=30) as visitor:
        token = csrf_of(visitor.get("/portal/").text)
        signed = visitor.post(
            "/portal/sign-in",
            data={"csrf_token": token, "email": "admin@example.com\x00", "password": PASSWORD},
        )
        assert signed.status_code == 400
        assert "rf_portal_session" not in signed.headers.get("set-cookie", "")
        assert "cannot be stored" in signed.text
        assert "frame-ancestors 'none'" in signed.headers["Content-Security-Policy"]
