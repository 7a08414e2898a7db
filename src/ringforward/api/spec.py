"""RingCentral's schemas for our operations; loaded and checked in ``service.schema``."""

from __future__ import annotations

from ringforward.service.schema import SUBSET, ringcentral_subset, schema_validator

__all__ = ["SUBSET", "ringcentral_subset", "schema_validator"]
