"""Our optional safe-edit extensions: ETag, If-Match (412) and JSON Patch; off in strict mode."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support.servers import LiveServer
from tests.support.spec import assert_ringcentral_error

EXT = "/account/~/extension/~"
BUSINESS = f"{EXT}/answering-rule/business-hours-rule"
ONE = {"id": "33333333"}
JSON_PATCH = {"Content-Type": "application/json-patch+json"}


@pytest.fixture(scope="module")
def strict_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    directory = tmp_path_factory.mktemp("strict")
    server = LiveServer(
        f"sqlite:///{directory / 'ringforward.db'}",
        extra_args=["--strict-ringcentral"],
        log_path=directory / "server.log",
    ).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def api(shared_server: LiveServer) -> Iterator[httpx.Client]:
    with shared_server.client() as client:
        yield client


@pytest.fixture(scope="module")
def strict_api(strict_server: LiveServer) -> Iterator[httpx.Client]:
    with strict_server.client() as client:
        yield client


def new_custom_rule(client: httpx.Client) -> str:
    """A custom rule of this test's own, so that tests sharing a server cannot disturb it."""
    response = client.post(
        f"{EXT}/answering-rule",
        json={
            "type": "Custom",
            "name": f"safe-edit {uuid.uuid4().hex[:8]}",
            "callHandlingAction": "ForwardCalls",
            "callers": [{"callerId": "+14155550123"}],
            "forwarding": {
                "rules": [{"index": 1, "ringCount": 2, "forwardingNumbers": [{"id": "33333333"}]}]
            },
        },
    )
    assert response.status_code == 200, response.text
    rule_id: str = response.json()["id"]
    return rule_id


def read(client: httpx.Client, path: str) -> tuple[dict[str, Any], str | None]:
    response = client.get(path)
    assert response.status_code == 200, response.text
    return response.json(), response.headers.get("etag")


def test_rule_responses_carry_an_etag_of_rule_id_and_version(api: httpx.Client) -> None:
    rule_id = new_custom_rule(api)
    _body, tag = read(api, f"{EXT}/answering-rule/{rule_id}")
    assert tag == f'"{rule_id}-v1"'
    _business, business_tag = read(api, BUSINESS)
    assert business_tag is not None and business_tag.startswith('"business-hours-rule-v')

    changed = api.put(
        f"{EXT}/answering-rule/{rule_id}",
        json={"forwarding": {"ringingMode": "Simultaneously"}},
    )
    assert changed.status_code == 200
    assert changed.headers["etag"] == f'"{rule_id}-v2"'
    assert read(api, f"{EXT}/answering-rule/{rule_id}")[1] == f'"{rule_id}-v2"'


def test_put_with_the_current_etag_succeeds_and_moves_the_tag_on(api: httpx.Client) -> None:
    path = f"{EXT}/answering-rule/{new_custom_rule(api)}"
    _body, tag = read(api, path)
    assert tag is not None
    response = api.put(
        path, json={"forwarding": {"ringingMode": "Simultaneously"}}, headers={"If-Match": tag}
    )
    assert response.status_code == 200, response.text
    assert response.headers["etag"] != tag
    assert response.json()["forwarding"]["ringingMode"] == "Simultaneously"


def test_put_with_a_stale_etag_is_412_and_leaves_the_rule_unchanged(api: httpx.Client) -> None:
    path = f"{EXT}/answering-rule/{new_custom_rule(api)}"
    _first, stale = read(api, path)
    assert stale is not None
    assert api.put(path, json={"forwarding": {"ringingMode": "Simultaneously"}}).status_code == 200
    before, current = read(api, path)

    response = api.put(
        path,
        json={"forwarding": {"rules": [{"ringCount": 9, "forwardingNumbers": [ONE]}]}},
        headers={"If-Match": stale},
    )
    body = assert_ringcentral_error(response, 412, "If-Match")
    assert body["errorCode"] == "CMN-412"
    after, tag = read(api, path)
    assert after == before and tag == current


@pytest.mark.parametrize("header", ["*", "W/{tag}", '"nope", {tag}'])
def test_if_match_accepts_star_weak_tags_and_lists(api: httpx.Client, header: str) -> None:
    path = f"{EXT}/answering-rule/{new_custom_rule(api)}"
    _body, tag = read(api, path)
    assert tag is not None
    response = api.put(
        path,
        json={"forwarding": {"ringingMode": "Simultaneously"}},
        headers={"If-Match": header.format(tag=tag)},
    )
    assert response.status_code == 200, response.text


def test_delete_with_a_stale_etag_is_412_and_keeps_the_rule(api: httpx.Client) -> None:
    path = f"{EXT}/answering-rule/{new_custom_rule(api)}"
    _body, stale = read(api, path)
    assert stale is not None
    assert api.put(path, json={"enabled": False}).status_code == 200
    assert_ringcentral_error(api.delete(path, headers={"If-Match": stale}), 412, "If-Match")
    _body, current = read(api, path)
    assert current is not None
    assert api.delete(path, headers={"If-Match": current}).status_code == 204
    assert api.get(path).status_code == 404


def test_json_patch_changes_the_rule_and_honours_test_ops(api: httpx.Client) -> None:
    path = f"{EXT}/answering-rule/{new_custom_rule(api)}"
    _body, tag = read(api, path)
    operations = [
        {"op": "test", "path": "/forwarding/ringingMode", "value": "Sequentially"},
        {"op": "replace", "path": "/forwarding/rules/0/ringCount", "value": 7},
        {"op": "replace", "path": "/forwarding/ringingMode", "value": "Simultaneously"},
    ]
    response = api.patch(path, json=operations, headers=JSON_PATCH)
    assert response.status_code == 200, response.text
    assert response.headers["etag"] != tag
    after, _tag = read(api, path)
    assert after["forwarding"]["ringingMode"] == "Simultaneously"
    assert after["forwarding"]["rules"][0]["ringCount"] == 7


def test_json_patch_with_a_failing_test_op_is_409_and_changes_nothing(
    api: httpx.Client,
) -> None:
    path = f"{EXT}/answering-rule/{new_custom_rule(api)}"
    before, tag = read(api, path)
    operations = [
        {"op": "replace", "path": "/forwarding/rules/0/ringCount", "value": 7},
        {"op": "test", "path": "/forwarding/ringingMode", "value": "Simultaneously"},
    ]
    response = api.patch(path, json=operations, headers=JSON_PATCH)
    assert assert_ringcentral_error(response, 409)["errorCode"] == "CMN-114"
    assert read(api, path) == (before, tag)


def test_json_patch_with_a_stale_if_match_is_412(api: httpx.Client) -> None:
    path = f"{EXT}/answering-rule/{new_custom_rule(api)}"
    _body, stale = read(api, path)
    assert stale is not None
    assert api.put(path, json={"enabled": False}).status_code == 200
    before, tag = read(api, path)
    operations = [{"op": "replace", "path": "/forwarding/rules/0/ringCount", "value": 7}]
    response = api.patch(path, json=operations, headers={**JSON_PATCH, "If-Match": stale})
    assert_ringcentral_error(response, 412, "If-Match")
    assert read(api, path) == (before, tag)


@pytest.mark.parametrize("content_type", ["application/json", "text/plain"])
def test_json_patch_with_another_content_type_is_415(api: httpx.Client, content_type: str) -> None:
    path = f"{EXT}/answering-rule/{new_custom_rule(api)}"
    before, tag = read(api, path)
    operations = [{"op": "replace", "path": "/forwarding/rules/0/ringCount", "value": 7}]
    response = api.patch(path, json=operations, headers={"Content-Type": content_type})
    assert assert_ringcentral_error(response, 415)["errorCode"] == "CMN-415"
    assert read(api, path) == (before, tag)


def test_json_patch_that_breaks_the_rule_is_400_and_changes_nothing(api: httpx.Client) -> None:
    path = f"{EXT}/answering-rule/{new_custom_rule(api)}"
    before, tag = read(api, path)
    operations = [{"op": "replace", "path": "/forwarding/rules/0/ringCount", "value": 99}]
    response = api.patch(path, json=operations, headers=JSON_PATCH)
    assert_ringcentral_error(response, 400)
    assert read(api, path) == (before, tag)


def test_plain_put_without_if_match_still_works(api: httpx.Client) -> None:
    response = api.put(
        BUSINESS,
        json={"forwarding": {"rules": [{"ringCount": 3, "forwardingNumbers": [ONE]}]}},
    )
    assert response.status_code == 200, response.text
    assert response.json()["forwarding"]["rules"][0]["ringCount"] == 3


def test_strict_mode_sends_no_etag(strict_api: httpx.Client) -> None:
    assert "etag" not in strict_api.get(BUSINESS).headers
    rule_id = new_custom_rule(strict_api)
    assert "etag" not in strict_api.get(f"{EXT}/answering-rule/{rule_id}").headers
    response = strict_api.put(BUSINESS, json={"forwarding": {"ringingMode": "Sequentially"}})
    assert response.status_code == 200 and "etag" not in response.headers


def test_strict_mode_ignores_if_match(strict_api: httpx.Client) -> None:
    path = f"{EXT}/answering-rule/{new_custom_rule(strict_api)}"
    response = strict_api.put(
        path,
        json={"forwarding": {"ringingMode": "Simultaneously"}},
        headers={"If-Match": '"stale-v0"'},
    )
    assert response.status_code == 200, response.text
    assert strict_api.get(path).json()["forwarding"]["ringingMode"] == "Simultaneously"
    assert strict_api.delete(path, headers={"If-Match": '"stale-v0"'}).status_code == 204


def test_strict_mode_refuses_patch_with_405_and_changes_nothing(
    strict_api: httpx.Client,
) -> None:
    path = f"{EXT}/answering-rule/{new_custom_rule(strict_api)}"
    before = strict_api.get(path).json()
    operations = [{"op": "replace", "path": "/forwarding/rules/0/ringCount", "value": 7}]
    response = strict_api.patch(path, json=operations, headers=JSON_PATCH)
    assert assert_ringcentral_error(response, 405)["errorCode"] == "CMN-405"
    assert strict_api.get(path).json() == before
