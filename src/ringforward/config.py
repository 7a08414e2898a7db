"""Settings from flags and ``RINGFORWARD_*`` environment variables."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_dir
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_PORT = 8080


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
    # Accounts whose call-handling answers are kept in memory (least recently used dropped).
    read_model_accounts: int = 1000

    @property
    def database_url(self) -> str:
        return self.db or default_database_url()
