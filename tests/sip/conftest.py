"""The SIP stack for the tests: ringforward, Kamailio, and SIPp as phones, gateway,
voicemail and caller, all on loopback on free ports.

Kamailio and SIPp come from Debian. Without them these tests skip, unless
RINGFORWARD_REQUIRE_SIP=1 (set by .ci/run), which makes a missing one a failure.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ringforward.sip import kamailio
from tests.sip.harness import SIPP, Sipp, free_udp_port
from tests.support.servers import LiveServer

REQUIRE_SIP = os.environ.get("RINGFORWARD_REQUIRE_SIP") == "1"
SECONDS_PER_RING = 1.0
# Monday 30 November 2026, inside the demo admin's business hours (America/Los_Angeles).
WEEKDAY_10AM = "2026-11-30T10:00"
DEMO_SIP_USER = "2222222201"
DEMO_SIP_AUTH_ID = "80000001"
DEMO_SIP_PASSWORD = "Demo-Sip-Passw0rd"


def missing_sip_tools() -> list[str]:
    missing = []
    if not Path(kamailio.KAMAILIO).exists():
        missing.append("kamailio")
    elif not Path(kamailio.module_directory(), "app_python3.so").exists():
        missing.append("kamailio-python3-modules")
    if not Path(SIPP).exists():
        missing.append("sipp (sip-tester)")
    return missing


def require_sip_tools() -> None:
    missing = missing_sip_tools()
    if not missing:
        return
    message = "SIP tests need " + ", ".join(missing)
    if REQUIRE_SIP:
        pytest.fail(message + " (RINGFORWARD_REQUIRE_SIP=1)")
    pytest.skip(message)


def wait_for_proxy(port: int, timeout: float = 15) -> None:
    options = (
        f"OPTIONS sip:127.0.0.1:{port} SIP/2.0\r\n"
        "Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKready\r\nFrom: <sip:t@127.0.0.1>;tag=1\r\n"
        "To: <sip:127.0.0.1>\r\nCall-ID: ready@127.0.0.1\r\nCSeq: 1 OPTIONS\r\n"
        "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
    )
    deadline = time.monotonic() + timeout
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.settimeout(0.3)
        via_port = sock.getsockname()[1]
        while time.monotonic() < deadline:
            sock.sendto(options.replace(":9;", f":{via_port};").encode(), ("127.0.0.1", port))
            try:
                if b"SIP/2.0 200" in sock.recv(65535):
                    return
            except TimeoutError:
                continue
    raise RuntimeError("Kamailio did not answer OPTIONS in time")


@dataclass
class SipStack:
    server: LiveServer
    work: Path
    proxy: kamailio.ProxySettings
    gateway: Sipp
    voicemail: Sipp
    phone: Sipp
    carrier_port: int
    kamailio: subprocess.Popen[bytes] | None = None
    extra: list[Sipp] = field(default_factory=list)
    _callers: int = 0

    @property
    def proxy_target(self) -> str:
        return f"127.0.0.1:{self.proxy.port}"

    def start_proxy(self) -> None:
        self.kamailio = kamailio.start(self.proxy, self.work / "kamailio", log=self.work / "k.log")
        wait_for_proxy(self.proxy.port)

    def register(
        self,
        *,
        password: str = DEMO_SIP_PASSWORD,
        auth_id: str = DEMO_SIP_AUTH_ID,
        refused: bool = False,
    ) -> int:
        sipp = Sipp(
            "register_refused.xml" if refused else "register.xml",
            free_udp_port(),
            self.work,
            f"register-{auth_id}",
            [
                "-m",
                "1",
                "-s",
                DEMO_SIP_USER,
                "-au",
                auth_id,
                "-ap",
                password,
                "-key",
                "contact_port",
                str(self.phone.port),
                "-key",
                "domain",
                "127.0.0.1",
            ],
        )
        return sipp.run(self.proxy_target, timeout=20)

    def caller(
        self,
        called: str,
        *,
        caller: str = "+12065550123",
        scenario: str = "call.xml",
        args: tuple[str, ...] = (),
    ) -> Sipp:
        self._callers += 1
        return Sipp(
            scenario,
            self.carrier_port,
            self.work,
            f"caller{self._callers}",
            ["-m", "1", "-s", called, "-key", "caller", caller, *args],
        )

    def stop(self) -> None:
        if self.kamailio and self.kamailio.poll() is None:
            self.kamailio.terminate()
            try:
                self.kamailio.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kamailio.kill()
                self.kamailio.wait()
        for sipp in (self.gateway, self.voicemail, self.phone, *self.extra):
            sipp.stop()
        self.server.stop()


StackFactory = Callable[..., SipStack]


@pytest.fixture
def sip_stack(tmp_path: Path) -> Iterator[StackFactory]:
    """Starts the whole stack: ``sip_stack(clock=…, phone=…, gateway=…)``.

    ``phone``/``gateway``/``voicemail`` name the SIPp scenario each plays (ring.xml rings
    until cancelled, answer.xml answers after 0.3 s). The demo softphone is registered.
    """
    require_sip_tools()
    started: list[SipStack] = []

    def start(
        *,
        clock: str = WEEKDAY_10AM,
        phone: str = "ring.xml",
        gateway: str = "ring.xml",
        voicemail: str = "answer.xml",
        register: bool = True,
        service: str | None = None,
    ) -> SipStack:
        secret = secrets.token_urlsafe(16)
        server = LiveServer(
            f"sqlite:///{tmp_path / 'ringforward.db'}",
            env={"RINGFORWARD_CLOCK": clock, "RINGFORWARD_SIP_PROXY_SECRET": secret},
            log_path=tmp_path / "server.log",
        ).start()
        gateway_sipp = Sipp(gateway, free_udp_port(), tmp_path, "gateway").serve()
        voicemail_sipp = Sipp(voicemail, free_udp_port(), tmp_path, "voicemail").serve()
        phone_sipp = Sipp(phone, free_udp_port(), tmp_path, "phone").serve()
        carrier_port = free_udp_port()
        proxy = kamailio.ProxySettings(
            service=service or server.base_url,
            secret=secret,
            port=free_udp_port(),
            gateway=f"sip:{{number}}@127.0.0.1:{gateway_sipp.port}",
            voicemail=f"sip:{{extension}}@127.0.0.1:{voicemail_sipp.port}",
            trusted=(f"127.0.0.1:{carrier_port}",),
            seconds_per_ring=SECONDS_PER_RING,
            children=16,
        )
        stack = SipStack(
            server, tmp_path, proxy, gateway_sipp, voicemail_sipp, phone_sipp, carrier_port
        )
        started.append(stack)
        stack.start_proxy()
        if register:
            assert stack.register() == 0, "the demo softphone could not register"
        return stack

    yield start
    for stack in started:
        stack.stop()
