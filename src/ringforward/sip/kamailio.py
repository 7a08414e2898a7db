"""Running Kamailio with ringforward's configuration (deploy/kamailio/).

The configuration is rendered into a run directory: kamailio.cfg with the listen address
and module path filled in, the routing script, and a JSON settings file for the script
(service URL, shared secret, trusted sources, gateway and voicemail URIs, seconds per ring).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

KAMAILIO = "/usr/sbin/kamailio"
MODULES = "/usr/lib/x86_64-linux-gnu/kamailio/modules"
SETTINGS_VARIABLE = "RINGFORWARD_KAMAILIO_SETTINGS"


def config_directory() -> Path:
    """deploy/kamailio in a checkout, or the copy packaged beside this module."""
    packaged = Path(__file__).with_name("kamailio_config")
    if (packaged / "kamailio.cfg").exists():
        return packaged
    return Path(__file__).resolve().parents[3] / "deploy" / "kamailio"


def module_directory() -> str:
    for candidate in (MODULES, "/usr/lib/kamailio/modules", "/usr/local/lib64/kamailio/modules"):
        if Path(candidate, "tm.so").exists():
            return candidate
    return MODULES


@dataclass(frozen=True)
class ProxySettings:
    service: str
    secret: str
    host: str = "127.0.0.1"
    port: int = 5060
    domain: str = "127.0.0.1"
    # {number} is replaced by the E.164 number to reach.
    gateway: str = "sip:{number}@127.0.0.1:5080"
    # {extension} is replaced by the extension whose voicemail takes the call.
    voicemail: str = "sip:{extension}@127.0.0.1:5070"
    trusted: tuple[str, ...] = ("127.0.0.1",)
    seconds_per_ring: float = 5.0
    # Longest wait for a decision; a slower service means 503 for that call.
    timeout: float = 1.5
    children: int = 8
    debug: int = 1
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def listen(self) -> str:
        return f"{self.host}:{self.port}"


def render(settings: ProxySettings, run_dir: Path) -> Path:
    """Write kamailio.cfg, the routing script and its settings; return the cfg path."""
    source = config_directory()
    run_dir.mkdir(parents=True, exist_ok=True)
    script = run_dir / "ringforward_routing.py"
    shutil.copyfile(source / "ringforward_routing.py", script)
    values = {
        "DEBUG": str(settings.debug),
        "CHILDREN": str(settings.children),
        "LISTEN": settings.listen,
        "MODULES": module_directory(),
        "SCRIPT": str(script),
    }
    text = (source / "kamailio.cfg").read_text()
    for name, value in values.items():
        text = text.replace(f"@@{name}@@", value)
    config = run_dir / "kamailio.cfg"
    config.write_text(text)
    document = {
        "service": settings.service,
        "secret": settings.secret,
        "listen": settings.listen,
        "domain": settings.domain,
        "gateway": settings.gateway,
        "voicemail": settings.voicemail,
        "trusted": list(settings.trusted),
        "seconds_per_ring": settings.seconds_per_ring,
        "timeout": settings.timeout,
        **settings.extra,
    }
    settings_file = run_dir / "settings.json"
    # The secret is in it: readable by its owner only.
    settings_file.touch(mode=0o600)
    settings_file.write_text(json.dumps(document, indent=1))
    return config


def command(config: Path, run_dir: Path) -> list[str]:
    """Kamailio in the foreground, logging to stderr, its runtime files in ``run_dir``."""
    return [
        KAMAILIO,
        "-f",
        str(config),
        "-DD",
        "-E",
        "-Y",
        str(run_dir),
        "-P",
        str(run_dir / "kamailio.pid"),
        "-m",
        "64",
        "-M",
        "8",
    ]


def start(
    settings: ProxySettings, run_dir: Path, *, log: Path | None = None, detach: bool = False
) -> subprocess.Popen[bytes]:
    """Kamailio as a child process; ``detach`` lets it outlive (and ignore Ctrl-C of) us."""
    config = render(settings, run_dir)
    env = {**os.environ, SETTINGS_VARIABLE: str(run_dir / "settings.json")}
    output = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115
    return subprocess.Popen(
        command(config, run_dir),
        stdout=output,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=detach,
    )


def check_config(settings: ProxySettings, run_dir: Path) -> subprocess.CompletedProcess[str]:
    """``kamailio -c``: parse the rendered configuration without starting."""
    config = render(settings, run_dir)
    env = {**os.environ, SETTINGS_VARIABLE: str(run_dir / "settings.json")}
    return subprocess.run(
        [KAMAILIO, "-c", "-f", str(config), "-Y", str(run_dir)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
