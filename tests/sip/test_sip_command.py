"""``ringforward sip`` starts Kamailio pointed at the running service and says how to stop it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from tests.sip.conftest import require_sip_tools, wait_for_proxy
from tests.sip.harness import Sipp, free_udp_port, invite_once
from tests.support.servers import LiveServer


def test_sip_command_routes_calls_with_the_secret_from_the_database(tmp_path: Path) -> None:
    require_sip_tools()
    database = f"sqlite:///{tmp_path / 'ringforward.db'}"
    env = {k: v for k, v in os.environ.items() if k != "RINGFORWARD_SIP_PROXY_SECRET"}
    # No secret configured anywhere: the service and the command share the database's.
    server = LiveServer(database, env={"RINGFORWARD_CLOCK": "2026-11-30T20:00"}).start()
    voicemail = Sipp("answer.xml", free_udp_port(), tmp_path, "voicemail").serve()
    port, carrier = free_udp_port(), free_udp_port()
    pid = None
    try:
        started = subprocess.run(
            [
                sys.executable,
                "-m",
                "ringforward.cli.main",
                "sip",
                "--service",
                server.base_url,
                "--db",
                database,
                "--port",
                str(port),
                "--voicemail",
                f"sip:{{extension}}@127.0.0.1:{voicemail.port}",
                "--trust",
                f"127.0.0.1:{carrier}",
                "--seconds-per-ring",
                "1",
                "--run-dir",
                str(tmp_path / "kamailio"),
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert started.returncode == 0, started.stdout + started.stderr
        match = re.search(r"stop it with: kill (\d+)", started.stdout)
        assert match, started.stdout
        pid = int(match.group(1))
        wait_for_proxy(port)
        # Routed by the service: an unknown number is 404, the demo number reaches voicemail.
        assert invite_once(port, "+16505559999", local_port=carrier).status == 404
        caller = Sipp(
            "call.xml",
            carrier,
            tmp_path,
            "caller",
            ["-m", "1", "-s", "+16505550101", "-key", "caller", "+12065550123"],
        )
        assert caller.run(f"127.0.0.1:{port}") == 0
        assert any(m.request_user == "22222222" for m in voicemail.messages() if not m.sent)
    finally:
        if pid is not None:
            os.kill(pid, signal.SIGTERM)
        voicemail.stop()
        server.stop()
