"""Devices of an extension and the SIP credentials they register with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

DeviceType = Literal[
    "BLA", "SoftPhone", "OtherPhone", "HardPhone", "WebPhone", "Paging", "Room", "WebRTC"
]
# Devices that ring as the extension's "apps" (softPhones in the answering rules).
APP_TYPES: frozenset[str] = frozenset({"SoftPhone", "WebPhone", "WebRTC"})


@dataclass(frozen=True)
class Device:
    id: str
    extension_id: str
    type: DeviceType
    name: str
    # The SIP user the device registers as (To/From user) and the digest user name.
    user_name: str
    authorization_id: str
    sip_password: str

    @property
    def is_app(self) -> bool:
        return self.type in APP_TYPES
