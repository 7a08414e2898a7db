"""Connection settings from the RINGCENTRAL_* variables of RingCentral's SDK samples, or flags."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

ENV_NAMES: dict[str, str] = {
    "server_url": "RINGCENTRAL_SERVER_URL",
    "client_id": "RINGCENTRAL_CLIENT_ID",
    "client_secret": "RINGCENTRAL_CLIENT_SECRET",
    "jwt": "RINGCENTRAL_JWT_TOKEN",
    "username": "RINGCENTRAL_USERNAME",
    "extension": "RINGCENTRAL_EXTENSION",
    "password": "RINGCENTRAL_PASSWORD",
}


@dataclass(frozen=True)
class ConnectionSettings:
    """Where to connect and how to log in: a JWT credential, or username + password.

    ``extension`` is the *login* extension number of the password grant (RingCentral's
    ``RINGCENTRAL_EXTENSION``), not the extension whose rules are edited.
    """

    server_url: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    jwt: str | None = None
    username: str | None = None
    extension: str | None = None
    password: str | None = None

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, **overrides: str | None
    ) -> ConnectionSettings:
        """Values from the environment, each replaced by an override that is not None."""
        source = os.environ if environ is None else environ
        values = {name: source.get(env) or None for name, env in ENV_NAMES.items()}
        unknown = set(overrides) - set(values)
        if unknown:
            raise TypeError(f"unknown connection settings: {', '.join(sorted(unknown))}")
        values.update({name: value for name, value in overrides.items() if value is not None})
        return cls(**values)

    def problems(self) -> list[str]:
        """What is missing before a login can be tried, as flag / variable hints."""
        missing: list[str] = []
        if not self.server_url:
            missing.append("the server URL (--server or RINGCENTRAL_SERVER_URL)")
        if not self.client_id:
            missing.append("the client id (--client-id or RINGCENTRAL_CLIENT_ID)")
        if not self.jwt and not (self.username and self.password):
            missing.append(
                "a JWT credential (--jwt or RINGCENTRAL_JWT_TOKEN) or a username and "
                "password (--username/--password or RINGCENTRAL_USERNAME/RINGCENTRAL_PASSWORD)"
            )
        return missing

    def redacted(self) -> ConnectionSettings:
        """A copy safe to print: secrets replaced by ``***``."""
        secret_names = ("client_secret", "jwt", "password")
        return replace(
            self,
            **{
                field.name: "***"
                for field in fields(self)
                if field.name in secret_names and getattr(self, field.name)
            },
        )
