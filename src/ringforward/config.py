"""Settings from flags and ``RINGFORWARD_*`` environment variables."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_dir
from pydantic_settings import BaseSettings, SettingsConfigDict

from ringforward.defaults import DEFAULT_PORT


def default_database_url() -> str:
    return f"sqlite:///{Path(user_data_dir('ringforward')) / 'ringforward.db'}"


class Settings(BaseSettings):
    """How one server process runs; every field can come from ``RINGFORWARD_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="RINGFORWARD_")

    db: str = ""
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    demo: bool = False
    # Turns our extensions off (ETag, If-Match, PATCH, call-flow) to behave like RingCentral.
    strict_ringcentral: bool = False
    # "off" or "default"; see docs/rate-limits.md.
    rate_limits: str = "off"
    # Storage for rate-limit counters: "memory://" or a redis:// URL shared by workers.
    rate_limit_storage: str = "memory://"
    # Per-group overrides such as "Light=100,Heavy=5".
    rate_limit_overrides: str = ""
    max_body_bytes: int = 1024 * 1024
    # SIP: the domain devices register in and the proxy they register through (sip-info).
    sip_domain: str = "127.0.0.1"
    sip_outbound_proxy: str = "127.0.0.1:5060"
    # Addresses the SIP proxy may ask for decisions from (besides knowing the secret).
    sip_proxy_sources: str = "127.0.0.1,::1"
    # The secret the SIP proxy sends; empty: one is made and kept in the database.
    sip_proxy_secret: str = ""
    # Routes calls as if it were this time (ISO-8601; naive = the called extension's
    # zone). For tests and demos only: empty means the real clock.
    clock: str = ""
    # Proxies whose X-Forwarded-For / X-Forwarded-Proto are believed ("10.0.0.1,10.0.0.2",
    # a CIDR, or "*"); empty trusts none, so a caller cannot pick its own address.
    forwarded_allow_ips: str = ""
    # Accounts whose call-handling answers are kept in memory (least recently used dropped).
    read_model_accounts: int = 1000
    # Answer repeated GETs of rules, forwarding numbers, business hours and v2 states from
    # memory in front of the router (api/fast_reads.py), and plain PUTs of a rule there
    # too (api/fast_writes.py); false sends every request the full way.
    fast_reads: bool = True
    # Server processes sharing the port (``serve --workers N``); each keeps its own caches,
    # kept coherent by the database's change stamps (docs/architecture.md).
    workers: int = 1
    # Leave what start-up made out of every later garbage collection (``gc.freeze``), as
    # ``serve`` does; off where a process goes on to build other applications (the
    # tests), since what it froze could never be collected.
    freeze_start_up: bool = False

    @property
    def database_url(self) -> str:
        return self.db or default_database_url()

    def environment(self) -> dict[str, str]:
        """These settings as ``RINGFORWARD_*`` variables: what a worker process reads back."""
        return {
            f"RINGFORWARD_{name.upper()}": str(value) for name, value in self.model_dump().items()
        }
