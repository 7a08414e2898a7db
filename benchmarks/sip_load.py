"""SIP benchmark: calls per second routed by Kamailio on ringforward's decisions, and the
post-dial delay (INVITE in at the proxy to the first INVITE out), with SIPp as the load.

    uv run python -m benchmarks.sip_load --rates 25,50,100,200 --seconds 5

One ``ringforward serve --demo`` (SQLite) with its clock at 20:00 on a weekday, so every
call to +16505550101 is decided "straight to voicemail"; Kamailio as ``ringforward sip``
starts it (8 children); a SIPp voicemail server answering each call after 0.3 s; a SIPp
caller placing calls at each rate for the given seconds. Times come from SIPp's message
traces (one clock, loopback): the caller's INVITE sent and the voicemail's INVITE received.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from tests.sip.harness import Sipp, free_udp_port, read_messages

from ringforward.sip import kamailio

ROOT = Path(__file__).resolve().parents[1]


def start_service(work: Path, secret: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_udp_port()  # any free number will do for TCP too on loopback
    env = {
        **os.environ,
        "RINGFORWARD_CLOCK": "2026-11-30T20:00",
        "RINGFORWARD_SIP_PROXY_SECRET": secret,
    }
    command = [
        sys.executable,
        "-m",
        "ringforward.cli.main",
        "serve",
        "--demo",
        "--port",
        str(port),
        "--db",
        f"sqlite:///{work / 'ringforward.db'}",
    ]
    log = open(work / "server.log", "ab")  # noqa: SIM115
    process = subprocess.Popen(command, stdout=log, stderr=log, env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{base}/restapi", timeout=1).status_code == 200:
                return process, base
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit("ringforward did not start")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def run_rate(
    work: Path, proxy_port: int, carrier: int, voicemail: Sipp, rate: int, seconds: float
) -> dict[str, Any]:
    calls = int(rate * seconds)
    name = f"caller-{rate}"
    caller = Sipp(
        "call.xml",
        carrier,
        work,
        name,
        [
            "-m",
            str(calls),
            "-r",
            str(rate),
            "-l",
            str(rate * 3),
            "-s",
            "+16505550101",
            "-key",
            "caller",
            "+12065550123",
        ],
    )
    started = time.monotonic()
    code = caller.run(f"127.0.0.1:{proxy_port}", timeout=600)
    wall = time.monotonic() - started
    sent = {m.call_id: m.at for m in caller.messages() if m.sent and m.method == "INVITE"}
    out: dict[str, float] = {}
    for message in read_messages(voicemail.messages_path):
        if not message.sent and message.method == "INVITE" and message.call_id in sent:
            out.setdefault(message.call_id, message.at)
    delays = [(out[c] - sent[c]) * 1000 for c in out]
    span = max(out.values()) - min(sent.values()) if out else 0
    return {
        "rate": rate,
        "calls": calls,
        "routed": len(out),
        "sipp_exit": code,
        "routed_per_s": round(len(out) / span, 1) if span else 0,
        "pdd_p50_ms": round(percentile(delays, 0.5), 1) if delays else None,
        "pdd_p99_ms": round(percentile(delays, 0.99), 1) if delays else None,
        "pdd_max_ms": round(max(delays), 1) if delays else None,
        "pdd_mean_ms": round(statistics.fmean(delays), 1) if delays else None,
        "wall_s": round(wall, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rates", default="25,50,100,200")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks/sip_results.json")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ringforward-sip-bench-"))
    secret = secrets.token_urlsafe(16)
    service, base = start_service(work, secret)
    voicemail = Sipp("answer.xml", free_udp_port(), work, "voicemail").serve()
    carrier = free_udp_port()
    settings = kamailio.ProxySettings(
        service=base,
        secret=secret,
        port=free_udp_port(),
        voicemail=f"sip:{{extension}}@127.0.0.1:{voicemail.port}",
        trusted=(f"127.0.0.1:{carrier}",),
        seconds_per_ring=1,
    )
    proxy = kamailio.start(settings, work / "kamailio", log=work / "kamailio.log")
    time.sleep(2)
    rows = []
    try:
        for rate in (int(r) for r in args.rates.split(",")):
            row = run_rate(work, settings.port, carrier, voicemail, rate, args.seconds)
            rows.append(row)
            print(json.dumps(row), flush=True)
            time.sleep(2)
    finally:
        proxy.terminate()
        proxy.wait()
        voicemail.stop()
        service.terminate()
        service.wait()
    revision = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    report = {
        "revision": revision,
        "machine": f"{os.cpu_count()} cores, {platform.platform()}",
        "load_average_at_end": os.getloadavg(),
        "rows": rows,
    }
    args.json.write_text(json.dumps(report, indent=1) + "\n")
    print(f"wrote {args.json}; work files in {work}")


if __name__ == "__main__":
    main()
