"""SIPp phones, a SIP message log reader and a one-shot SIP client for the SIP tests."""

from __future__ import annotations

import re
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TypeVar

SCENARIOS = Path(__file__).with_name("scenarios")
SIPP = shutil.which("sipp") or "/usr/bin/sipp"
SEPARATOR = re.compile(r"^-{20,} (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+)$")


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


T = TypeVar("T")


def eventually(read: Callable[[], T], timeout: float = 2.0) -> T:
    """``read()`` again until it gives something truthy, or ``timeout`` s pass.

    A SIPp process writes its message trace after acting, and on a busy machine that can
    come after the other side (and the test) moved on: a message is looked for a little
    longer, and "nothing came" means nothing came within ``timeout``.
    """
    deadline = time.monotonic() + timeout
    found = read()
    while not found and time.monotonic() < deadline:
        time.sleep(0.1)
        found = read()
    return found


@dataclass(frozen=True)
class Message:
    """One SIP message a SIPp process sent or received, with its wall-clock time."""

    at: float
    sent: bool
    first_line: str
    call_id: str
    text: str

    @property
    def method(self) -> str:
        """The request method, or ``"<code>"`` for a response."""
        head = self.first_line.split(" ")
        return head[1] if head[0] == "SIP/2.0" else head[0]

    @property
    def request_user(self) -> str:
        match = re.match(r"^\w+ sips?:([^@;> ]+)@", self.first_line)
        return match.group(1) if match else ""


def read_messages(path: Path) -> list[Message]:
    """Parse SIPp's -trace_msg file: a dashed line with a timestamp before each message."""
    if not path.exists():
        return []
    messages: list[Message] = []
    blocks: list[tuple[float, list[str]]] = []
    for line in path.read_text(errors="replace").splitlines():
        match = SEPARATOR.match(line)
        if match:
            stamp = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S.%f").timestamp()
            blocks.append((stamp, []))
        elif blocks:
            blocks[-1][1].append(line)
    for stamp, lines in blocks:
        if not lines:
            continue
        sent = lines[0].startswith("UDP message sent")
        body = [line for line in lines[1:] if line.strip()]
        if not body:
            continue
        call_id = next(
            (line.split(":", 1)[1].strip() for line in body if line.lower().startswith("call-id:")),
            "",
        )
        messages.append(Message(stamp, sent, body[0].strip(), call_id, "\n".join(body)))
    return messages


@dataclass
class Sipp:
    """One SIPp process: a phone, the gateway or the voicemail server (UAS), or a caller."""

    scenario: str
    port: int
    work: Path
    name: str
    args: list[str] = field(default_factory=list)
    process: subprocess.Popen[bytes] | None = None

    @property
    def messages_path(self) -> Path:
        return self.work / f"{self.name}.msg"

    def command(self, target: str | None = None) -> list[str]:
        command = [
            SIPP,
            "-sf",
            str(SCENARIOS / self.scenario),
            "-i",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-nostdin",
            "-trace_msg",
            "-message_file",
            str(self.messages_path),
            "-trace_err",
            "-error_file",
            str(self.work / f"{self.name}.err"),
            *self.args,
        ]
        return [*command, target] if target else command

    def serve(self) -> Sipp:
        """Start as a server (UAS) that handles every call it receives."""
        log = open(self.work / f"{self.name}.out", "ab")  # noqa: SIM115
        self.process = subprocess.Popen(self.command(), stdout=log, stderr=log)
        time.sleep(0.2)
        if self.process.poll() is not None:
            raise RuntimeError(f"sipp {self.name} exited: see {self.work}/{self.name}.out")
        return self

    def run(self, target: str, *, timeout: float = 60) -> int:
        """Run as a client against ``target`` until its calls end; the exit code."""
        log = open(self.work / f"{self.name}.out", "ab")  # noqa: SIM115
        with log:
            done = subprocess.run(self.command(target), stdout=log, stderr=log, timeout=timeout)
        return done.returncode

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            # Not SIGUSR1 (a soft stop): a ringing phone's calls never end by themselves.
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def messages(self) -> list[Message]:
        return read_messages(self.messages_path)


@dataclass(frozen=True)
class Outcome:
    status: int
    reason: str
    seconds: float


def invite_once(
    proxy_port: int,
    called: str,
    *,
    caller: str = "+12065550123",
    local_port: int | None = None,
    timeout: float = 10,
) -> Outcome:
    """Send one INVITE and wait for its final response (ACKing a refusal); no SIPp needed.

    Used where the answer itself is under test (403, 404, 503) and its timing matters.
    """
    port = local_port or free_udp_port()
    call_id = f"{uuid.uuid4().hex}@127.0.0.1"
    branch = f"z9hG4bK{uuid.uuid4().hex[:16]}"
    tag = uuid.uuid4().hex[:8]
    head = (
        f"Via: SIP/2.0/UDP 127.0.0.1:{port};branch={branch}\r\n"
        f"From: <sip:{caller}@127.0.0.1:{port}>;tag={tag}\r\n"
    )
    invite = (
        f"INVITE sip:{called}@127.0.0.1:{proxy_port} SIP/2.0\r\n{head}"
        f"To: <sip:{called}@127.0.0.1:{proxy_port}>\r\nCall-ID: {call_id}\r\n"
        f"CSeq: 1 INVITE\r\nContact: <sip:{caller}@127.0.0.1:{port}>\r\n"
        "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
    )
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", port))
        sock.settimeout(0.5)
        started = time.monotonic()
        sock.sendto(invite.encode(), ("127.0.0.1", proxy_port))
        while time.monotonic() - started < timeout:
            try:
                data = sock.recv(65535).decode(errors="replace")
            except TimeoutError:
                continue
            status_line = data.split("\r\n", 1)[0].split(" ", 2)
            status = int(status_line[1])
            if status < 200:
                continue
            elapsed = time.monotonic() - started
            to = next(line for line in data.split("\r\n") if line.lower().startswith("to:"))
            ack = (
                f"ACK sip:{called}@127.0.0.1:{proxy_port} SIP/2.0\r\n{head}{to}\r\n"
                f"Call-ID: {call_id}\r\nCSeq: 1 ACK\r\nMax-Forwards: 70\r\n"
                "Content-Length: 0\r\n\r\n"
            )
            if status >= 300:
                sock.sendto(ack.encode(), ("127.0.0.1", proxy_port))
            return Outcome(status, status_line[2] if len(status_line) > 2 else "", elapsed)
    raise AssertionError(f"no final response to the INVITE within {timeout} s")
