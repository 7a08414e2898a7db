"""The audit trail: one record a change, with the stored documents before and after."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert, select

from ringforward.store import tables as t
from ringforward.store.queries import Queries


@dataclass(frozen=True)
class AuditRecord:
    account_id: str
    extension_id: str
    resource_type: str
    resource_id: str
    version: int
    at: float
    actor: str
    before: str | None
    after: str | None


_FIELDS = tuple(AuditRecord.__dataclass_fields__)


class AuditRepository(Queries):
    async def insert_audit(self, record: AuditRecord) -> None:
        await self._execute(insert(t.audit_log).values(**record.__dict__))

    async def list_audit(
        self, extension_id: str, resource_type: str, resource_id: str
    ) -> list[AuditRecord]:
        """The resource's records, newest first."""
        rows = await self._rows(
            select(t.audit_log)
            .where(
                t.audit_log.c.extension_id == extension_id,
                t.audit_log.c.resource_type == resource_type,
                t.audit_log.c.resource_id == resource_id,
            )
            .order_by(t.audit_log.c.version.desc(), t.audit_log.c.id.desc())
        )
        return [AuditRecord(**{name: row[name] for name in _FIELDS}) for row in rows]
