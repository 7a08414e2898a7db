"""With RINGFORWARD_REQUIRE_SIP=1 (CI) a missing Kamailio or SIPp fails instead of skipping."""

from __future__ import annotations

import pytest

from ringforward.sip import kamailio
from tests.sip import conftest


def test_missing_kamailio_fails_when_sip_is_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kamailio, "KAMAILIO", "/nonexistent/kamailio")
    monkeypatch.setattr(conftest, "REQUIRE_SIP", True)
    with pytest.raises(pytest.fail.Exception, match="kamailio"):
        conftest.require_sip_tools()
    monkeypatch.setattr(conftest, "REQUIRE_SIP", False)
    with pytest.raises(pytest.skip.Exception, match="kamailio"):
        conftest.require_sip_tools()


def test_missing_sipp_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conftest, "SIPP", "/nonexistent/sipp")
    assert "sipp (sip-tester)" in conftest.missing_sip_tools()
