"""A read-only view over every aggregate, for tools that inspect a database whole.

The services use ``store.repositories`` (one repository per aggregate); this view keeps
the audit trail as plain mappings, which is what such tools print or compare.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from ringforward.domain.model import AnsweringRule, Extension, ForwardingNumber
from ringforward.store.database import UnitOfWork
from ringforward.store.repositories import Repositories


class Repository:
    def __init__(self, uow: UnitOfWork) -> None:
        self._repos = Repositories(uow)

    async def list_extensions(self, account_id: str) -> list[Extension]:
        return await self._repos.extensions.list_extensions(account_id)

    async def list_forwarding_numbers(self, extension_id: str) -> list[ForwardingNumber]:
        return await self._repos.numbers.list_forwarding_numbers(extension_id)

    async def list_rules(self, extension_id: str) -> list[AnsweringRule]:
        return await self._repos.rules.list_rules(extension_id)

    async def list_audit(
        self, extension_id: str, resource_type: str, resource_id: str
    ) -> list[dict[str, Any]]:
        records = await self._repos.audit.list_audit(extension_id, resource_type, resource_id)
        return [asdict(record) for record in records]
