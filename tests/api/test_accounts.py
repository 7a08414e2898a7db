"""Version info, the account, and its extensions (paged list and read)."""

from __future__ import annotations

import httpx
import pytest

from tests.support.rest import (
    ACCOUNT_ID,
    ACCOUNT_SPEC,
    ADMIN_EXT,
    EXTENSION_SPEC,
    EXTENSIONS_SPEC,
    MAIN_NUMBER,
    USER_EXT,
    assert_refused,
)
from tests.support.servers import LiveServer
from tests.support.spec import assert_matches_spec


def test_api_versions_need_no_token_and_match_the_spec(shared_server: LiveServer) -> None:
    base = shared_server.base_url
    versions = assert_matches_spec(httpx.get(f"{base}/restapi"), "/restapi")
    assert versions["uri"] == f"{base}/restapi"
    (v1,) = versions["apiVersions"]
    assert v1["uriString"] == "v1.0" and v1["uri"] == f"{base}/restapi/v1.0"
    one = assert_matches_spec(httpx.get(f"{base}/restapi/v1.0"), "/restapi/{apiVersion}")
    assert one["uriString"] == "v1.0" and one["versionString"] == v1["versionString"]


@pytest.mark.parametrize("account", ["~", ACCOUNT_ID])
def test_the_account_reads_the_same_by_tilde_and_by_id(admin: httpx.Client, account: str) -> None:
    body = assert_matches_spec(admin.get(f"/account/{account}"), ACCOUNT_SPEC)
    assert body["id"] == int(ACCOUNT_ID) and body["mainNumber"] == MAIN_NUMBER
    assert body["uri"].endswith(f"/restapi/v1.0/account/{ACCOUNT_ID}")
    assert body["regionalSettings"]["timezone"]["name"] == "America/Los_Angeles"
    assert body["regionalSettings"]["homeCountry"]["isoCode"] == "US"


def test_a_user_reads_its_account_too(user: httpx.Client) -> None:
    assert assert_matches_spec(user.get("/account/~"), ACCOUNT_SPEC)["id"] == int(ACCOUNT_ID)


@pytest.mark.parametrize(
    ("account", "extension"),
    [("~", "~"), (ACCOUNT_ID, ADMIN_EXT), ("~", ADMIN_EXT), (ACCOUNT_ID, "~")],
)
def test_an_extension_reads_the_same_by_tilde_and_by_id(
    admin: httpx.Client, account: str, extension: str
) -> None:
    body = assert_matches_spec(
        admin.get(f"/account/{account}/extension/{extension}"), EXTENSION_SPEC
    )
    assert body["id"] == int(ADMIN_EXT) and body["extensionNumber"] == "101"
    assert body["name"] == "Demo Admin" and body["contact"]["email"] == "admin@example.com"
    assert body["permissions"]["admin"]["enabled"] is True
    assert body["uri"].endswith(f"/restapi/v1.0/account/{ACCOUNT_ID}/extension/{ADMIN_EXT}")


def test_the_admin_lists_every_extension_of_its_account(admin: httpx.Client) -> None:
    listed = assert_matches_spec(admin.get("/account/~/extension"), EXTENSIONS_SPEC)
    assert [e["id"] for e in listed["records"]] == [int(ADMIN_EXT), int(USER_EXT)]
    assert listed["paging"]["totalElements"] == 2
    assert listed["uri"].endswith(
        f"/restapi/v1.0/account/{ACCOUNT_ID}/extension?page=1&perPage=100"
    )


def test_the_extension_list_pages(admin: httpx.Client) -> None:
    first = assert_matches_spec(admin.get("/account/~/extension?perPage=1"), EXTENSIONS_SPEC)
    assert [e["id"] for e in first["records"]] == [int(ADMIN_EXT)]
    assert first["paging"] == {
        "page": 1,
        "perPage": 1,
        "totalPages": 2,
        "totalElements": 2,
        "pageStart": 0,
        "pageEnd": 0,
    }
    assert "previousPage" not in first["navigation"]
    second = assert_matches_spec(admin.get(first["navigation"]["nextPage"]["uri"]), EXTENSIONS_SPEC)
    assert [e["id"] for e in second["records"]] == [int(USER_EXT)]
    assert second["paging"]["page"] == 2 and "nextPage" not in second["navigation"]
    assert second["navigation"]["lastPage"]["uri"] == first["navigation"]["lastPage"]["uri"]


def test_a_user_lists_only_itself(user: httpx.Client) -> None:
    listed = assert_matches_spec(user.get("/account/~/extension"), EXTENSIONS_SPEC)
    assert [e["id"] for e in listed["records"]] == [int(USER_EXT)]
    own = assert_matches_spec(user.get("/account/~/extension/~"), EXTENSION_SPEC)
    assert own["id"] == int(USER_EXT) and own["permissions"]["admin"]["enabled"] is False


def test_the_extension_list_filters_by_number_and_email(admin: httpx.Client) -> None:
    by_number = admin.get("/account/~/extension", params={"extensionNumber": "102"}).json()
    assert [e["id"] for e in by_number["records"]] == [int(USER_EXT)]
    by_email = admin.get("/account/~/extension", params={"email": "ADMIN@example.com"}).json()
    assert [e["id"] for e in by_email["records"]] == [int(ADMIN_EXT)]


@pytest.mark.parametrize(
    ("path", "spec_path"),
    [("/account/12345678", ACCOUNT_SPEC), ("/account/12345678/extension", EXTENSIONS_SPEC)],
)
def test_an_unknown_account_is_404(admin: httpx.Client, path: str, spec_path: str) -> None:
    assert_refused(admin.get(path), 404, "accountId", spec_path=spec_path)


def test_an_unknown_extension_is_404(admin: httpx.Client) -> None:
    response = admin.get("/account/~/extension/12345678")
    assert_refused(response, 404, "extensionId", spec_path=EXTENSION_SPEC)
