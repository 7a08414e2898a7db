"""``ringforward sip``: start Kamailio routing calls on the running service's decisions."""

from __future__ import annotations

import asyncio
import os
import socket
import time
from pathlib import Path
from typing import Annotated

import typer

from ringforward.cli.connection import fail

DEFAULT_GATEWAY = "sip:{number}@127.0.0.1:5080"
DEFAULT_VOICEMAIL = "sip:{extension}@127.0.0.1:5070"


def _secret(db: str | None) -> str:
    """The proxy secret the service expects: its setting, else the one in its database."""
    given = os.environ.get("RINGFORWARD_SIP_PROXY_SECRET")
    if given:
        return given
    from ringforward.config import Settings
    from ringforward.service.sip_routing import proxy_secret
    from ringforward.store.database import Database, migrate

    settings = Settings(db=db) if db else Settings()

    async def read() -> str:
        await migrate(settings.database_url)
        database = Database(settings.database_url)
        try:
            return await proxy_secret(database)
        finally:
            await database.dispose()

    return asyncio.run(read())


def _answers_options(host: str, port: int, timeout: float) -> bool:
    request = (
        f"OPTIONS sip:{host}:{port} SIP/2.0\r\nVia: SIP/2.0/UDP {host}:9;branch=z9hG4bKstart\r\n"
        f"From: <sip:start@{host}>;tag=1\r\nTo: <sip:{host}>\r\nCall-ID: start@{host}\r\n"
        "CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
    )
    deadline = time.monotonic() + timeout
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((host, 0))
        sock.settimeout(0.3)
        request = request.replace(":9;", f":{sock.getsockname()[1]};")
        while time.monotonic() < deadline:
            sock.sendto(request.encode(), (host, port))
            try:
                if sock.recv(65535).startswith(b"SIP/2.0 200"):
                    return True
            except TimeoutError:
                continue
    return False


def sip(
    service: Annotated[
        str, typer.Option(help="The running ringforward service Kamailio asks.")
    ] = "http://127.0.0.1:8080",
    host: Annotated[str, typer.Option(help="Address Kamailio listens on (UDP).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="SIP port.")] = 5060,
    db: Annotated[
        str | None, typer.Option("--db", help="The service's database (to read the secret).")
    ] = None,
    gateway: Annotated[
        str, typer.Option(help="Where numbers are called; {number} becomes the E.164 number.")
    ] = DEFAULT_GATEWAY,
    voicemail: Annotated[
        str, typer.Option(help="Voicemail; {extension} becomes the mailbox's extension id.")
    ] = DEFAULT_VOICEMAIL,
    trust: Annotated[
        list[str] | None,
        typer.Option(help="Source (IP or IP:port) whose INVITEs are routed; repeatable."),
    ] = None,
    seconds_per_ring: Annotated[float, typer.Option(help="Length of one ring.")] = 5.0,
    domain: Annotated[str, typer.Option(help="SIP domain devices register in.")] = "127.0.0.1",
    run_dir: Annotated[
        Path | None, typer.Option(help="Where the rendered configuration and log go.")
    ] = None,
) -> None:
    """Start Kamailio on HOST:PORT routing calls by the service's decisions."""
    from platformdirs import user_runtime_dir

    from ringforward.sip import kamailio

    if not Path(kamailio.KAMAILIO).exists():
        fail(
            "kamailio is not installed (apt-get install kamailio kamailio-python3-modules)", code=1
        )
    directory = run_dir or Path(user_runtime_dir("ringforward")) / f"kamailio-{port}"
    settings = kamailio.ProxySettings(
        service=service,
        secret=_secret(db),
        host=host,
        port=port,
        domain=domain,
        gateway=gateway,
        voicemail=voicemail,
        trusted=tuple(trust or ("127.0.0.1",)),
        seconds_per_ring=seconds_per_ring,
    )
    log = directory / "kamailio.log"
    directory.mkdir(parents=True, exist_ok=True)
    process = kamailio.start(settings, directory, log=log, detach=True)
    if not _answers_options(host, port, timeout=10):
        process.terminate()
        fail(f"Kamailio did not start; see {log}", code=1)
    typer.echo(
        f"Kamailio on sip:{host}:{port} (UDP), asking {service}\n"
        f"  phones register at {domain} with the credentials of GET "
        "/restapi/v1.0/account/~/device/{deviceId}/sip-info\n"
        f"  calls from {', '.join(settings.trusted)} are routed; numbers via {gateway}, "
        f"voicemail {voicemail}\n"
        f"  configuration and log: {directory}\n"
        f"stop it with: kill {process.pid}"
    )
