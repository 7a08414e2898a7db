"""The audit trail: one record a change, with the stored documents before and after."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, insert, select

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


@dataclass(frozen=True)
class LoggedRecord(AuditRecord):
    """A record as read back, with its id: ids follow the order records were written in."""

    id: int


_FIELDS = tuple(AuditRecord.__dataclass_fields__)
_LOGGED_FIELDS = tuple(LoggedRecord.__dataclass_fields__)
_INSERT = insert(t.audit_log)


def audit_values(record: AuditRecord) -> dict[str, Any]:
    """The columns of a record's row."""
    return {name: getattr(record, name) for name in _FIELDS}


class AuditRepository(Queries):
    async def insert_audit(self, record: AuditRecord) -> None:
        await self._execute(_INSERT, audit_values(record))

    async def list_audit(
        self, extension_id: str, resource_type: str, resource_id: str
    ) -> list[AuditRecord]:
        """The resource's records, newest first."""
        rows = await self._rows(
            select(t.audit_log)
            .where(_of_resource(extension_id, resource_type, resource_id))
            .order_by(t.audit_log.c.version.desc(), t.audit_log.c.id.desc())
        )
        return [AuditRecord(**{name: row[name] for name in _FIELDS}) for row in rows]

    async def resource_trail(
        self, extension_id: str, resource_type: str, resource_id: str
    ) -> list[LoggedRecord]:
        """The resource's records, oldest first: a record's position is the version of a
        resource without one of its own (forwarding numbers, business hours)."""
        return await self._logged(
            select(t.audit_log)
            .where(_of_resource(extension_id, resource_type, resource_id))
            .order_by(t.audit_log.c.id)
        )

    async def extension_trail(self, extension_id: str, limit: int) -> list[LoggedRecord]:
        """The extension's latest ``limit`` records of every resource, newest first."""
        return await self._logged(
            select(t.audit_log)
            .where(t.audit_log.c.extension_id == extension_id)
            .order_by(t.audit_log.c.id.desc())
            .limit(limit)
        )

    async def _logged(self, query: Any) -> list[LoggedRecord]:
        rows = await self._rows(query)
        return [LoggedRecord(**{name: row[name] for name in _LOGGED_FIELDS}) for row in rows]


def _of_resource(extension_id: str, resource_type: str, resource_id: str) -> ColumnElement[bool]:
    return and_(
        t.audit_log.c.extension_id == extension_id,
        t.audit_log.c.resource_type == resource_type,
        t.audit_log.c.resource_id == resource_id,
    )
