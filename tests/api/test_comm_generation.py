"""Legacy and enhanced accounts: the features endpoint and each API refusing the other."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.support.comm_rest import (
    ENHANCED,
    FEATURES_SPEC,
    STATES_SPEC,
    root_client,
    v2,
)
from tests.support.rest import ADMIN, USER
from tests.support.servers import LiveServer
from tests.support.spec import assert_matches_spec, assert_ringcentral_error

FEATURES = "/restapi/v1.0/account/~/extension/~/features"


@pytest.fixture(scope="module")
def legacy(shared_server: LiveServer) -> Iterator[httpx.Client]:
    with root_client(shared_server, ADMIN) as client:
        yield client


@pytest.fixture(scope="module")
def enhanced(shared_server: LiveServer) -> Iterator[httpx.Client]:
    with root_client(shared_server, ENHANCED) as client:
        yield client


def _backend_flag(client: httpx.Client) -> str:
    response = client.get(FEATURES, params={"featureId": "NewCallHandlingAndForwarding"})
    body = assert_matches_spec(response, FEATURES_SPEC)
    (record,) = body["records"]
    assert record["id"] == "NewCallHandlingAndForwarding" and record["available"] is True
    (param,) = record["params"]
    assert param["name"] == "isNewBackendAvailable"
    value: str = param["value"]
    return value


def test_features_tell_legacy_from_enhanced(legacy: httpx.Client, enhanced: httpx.Client) -> None:
    assert _backend_flag(legacy) == "false"
    assert _backend_flag(enhanced) == "true"


def test_features_filter_by_feature_id(enhanced: httpx.Client) -> None:
    response = enhanced.get(FEATURES, params={"featureId": "SomethingElse"})
    assert assert_matches_spec(response, FEATURES_SPEC)["records"] == []


def test_features_need_a_token(shared_server: LiveServer) -> None:
    response = httpx.get(f"{shared_server.base_url}{FEATURES}")
    assert_ringcentral_error(response, 401)


def test_features_of_a_user_extension_answer_per_account(shared_server: LiveServer) -> None:
    with root_client(shared_server, USER) as user:
        assert _backend_flag(user) == "false"


def test_v1_answering_rules_refuse_on_an_enhanced_account(enhanced: httpx.Client) -> None:
    base = "/restapi/v1.0/account/~/extension/~/answering-rule"
    for response in (
        enhanced.get(base),
        enhanced.get(f"{base}/business-hours-rule"),
        enhanced.put(f"{base}/business-hours-rule", json={"enabled": True}),
        enhanced.post(base, json={"type": "Custom", "name": "x"}),
    ):
        body = assert_ringcentral_error(response, 403)
        assert body["errorCode"] == "FeatureNotAvailable"
        assert "comm-handling" in body["message"]


def test_v1_answering_rules_still_answer_on_a_legacy_account(legacy: httpx.Client) -> None:
    response = legacy.get("/restapi/v1.0/account/~/extension/~/answering-rule/business-hours-rule")
    assert response.status_code == 200


def test_v2_refuses_on_a_legacy_account(legacy: httpx.Client) -> None:
    for response in (
        legacy.get(f"{v2()}/states"),
        legacy.get(f"{v2()}/voice/state-rules/work-hours"),
        legacy.post(f"{v2()}/voice/interaction-rules", json={}),
    ):
        body = assert_ringcentral_error(response, 403)
        assert body["errorCode"] == "FeatureNotAvailable"


def test_v2_answers_on_an_enhanced_account(enhanced: httpx.Client) -> None:
    body = assert_matches_spec(enhanced.get(f"{v2()}/states"), STATES_SPEC)
    assert [s["id"] for s in body["records"]] == [
        "work-hours",
        "after-hours",
        "dnd",
        "forward-all-calls",
    ]
