"""Devices and their SIP credentials, in RingCentral's shapes; the SIP proxy's interface."""

from __future__ import annotations

import httpx

from tests.support.servers import LiveServer
from tests.support.spec import assert_matches_spec, assert_ringcentral_error

DEVICES = "/restapi/v1.0/account/{accountId}/extension/{extensionId}/device"
SIP_INFO = "/restapi/v1.0/account/{accountId}/device/{deviceId}/sip-info"


def test_the_demo_admin_has_a_softphone_listed_as_ringcentral_lists_devices(
    admin: httpx.Client,
) -> None:
    response = admin.get("/account/~/extension/~/device")
    body = assert_matches_spec(response, DEVICES)
    assert [(d["id"], d["type"]) for d in body["records"]] == [("80000001", "SoftPhone")]
    assert body["records"][0]["extension"]["id"] == 22222222
    assert body["paging"]["totalElements"] == 1


def test_sip_info_gives_the_credentials_the_phone_registers_with(admin: httpx.Client) -> None:
    response = admin.get("/account/~/device/80000001/sip-info")
    body = assert_matches_spec(response, SIP_INFO)
    assert body["userName"] == "2222222201"
    assert body["authorizationId"] == "80000001"
    assert body["password"] == "Demo-Sip-Passw0rd"
    assert body["domain"] and body["outboundProxies"][0]["proxy"]


def test_devices_follow_the_usual_permissions(user: httpx.Client, other: httpx.Client) -> None:
    # A user sees their own (empty) list, not the admin's devices or credentials.
    assert user.get("/account/~/extension/~/device").json()["records"] == []
    assert_ringcentral_error(user.get("/account/~/extension/22222222/device"), 403)
    assert_ringcentral_error(user.get("/account/~/device/80000001/sip-info"), 403)
    # Another account cannot even learn the device exists.
    assert_ringcentral_error(other.get("/account/~/device/80000001/sip-info"), 404)
    assert_ringcentral_error(other.get("/account/11111111/extension/22222222/device"), 404)


def test_an_unknown_device_is_404(admin: httpx.Client) -> None:
    assert_ringcentral_error(admin.get("/account/~/device/123/sip-info"), 404, "deviceId")


def test_the_sip_proxy_interface_needs_the_secret(shared_server: LiveServer) -> None:
    base = shared_server.base_url
    for path in ("/internal/sip/route?to=%2B16505550101", "/internal/sip/credentials"):
        assert_ringcentral_error(httpx.get(base + path), 401)
        wrong = httpx.get(base + path, headers={"X-Ringforward-Proxy-Secret": "guess"})
        assert_ringcentral_error(wrong, 401)


def test_devices_are_stored_on_every_backend(live_server: LiveServer) -> None:
    # Migration 0002 and the demo softphone on SQLite and PostgreSQL alike.
    with live_server.client() as api:
        body = assert_matches_spec(api.get("/account/~/extension/~/device"), DEVICES)
    assert [d["id"] for d in body["records"]] == ["80000001"]
