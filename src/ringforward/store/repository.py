"""Reads and writes of domain values inside one unit of work."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import RowMapping

from ringforward.domain.model import (
    Account,
    AnsweringRule,
    BusinessHours,
    Extension,
    ForwardingNumber,
)
from ringforward.store import tables as t
from ringforward.store.codec import (
    rule_from_row,
    rule_to_document,
    weekly_from_json,
    weekly_to_json,
)
from ringforward.store.database import UnitOfWork


def _account(row: RowMapping) -> Account:
    return Account(row["id"], row["name"], row["main_number"], row["time_zone"], row["country"])


def _extension(row: RowMapping) -> Extension:
    return Extension(
        id=row["id"],
        account_id=row["account_id"],
        extension_number=row["extension_number"],
        name=row["name"],
        email=row["email"],
        is_admin=bool(row["is_admin"]),
        time_zone=row["time_zone"],
        direct_numbers=tuple(json.loads(row["direct_numbers"])),
        status=row["status"],
    )


def _forwarding_number(row: RowMapping) -> ForwardingNumber:
    return ForwardingNumber(
        id=str(row["id"]),
        extension_id=row["extension_id"],
        phone_number=row["phone_number"],
        label=row["label"],
        type=row["type"],
        flip_number=row["flip_number"],
        device_id=row["device_id"],
    )


class Repository:
    """Every query the services make, over the unit of work's connection."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def _rows(self, statement: Any) -> Sequence[RowMapping]:
        result = await self._uow.connection.execute(statement)
        return result.mappings().all()

    async def _row(self, statement: Any) -> RowMapping | None:
        result = await self._uow.connection.execute(statement)
        return result.mappings().first()

    async def _execute(self, statement: Any) -> int:
        result = await self._uow.connection.execute(statement)
        return int(result.rowcount)

    # accounts and extensions
    async def get_account(self, account_id: str) -> Account | None:
        row = await self._row(select(t.accounts).where(t.accounts.c.id == account_id))
        return _account(row) if row else None

    async def get_extension(self, extension_id: str) -> Extension | None:
        row = await self._row(select(t.extensions).where(t.extensions.c.id == extension_id))
        return _extension(row) if row else None

    async def list_extensions(self, account_id: str) -> list[Extension]:
        rows = await self._rows(
            select(t.extensions)
            .where(t.extensions.c.account_id == account_id)
            .order_by(t.extensions.c.extension_number, t.extensions.c.id)
        )
        return [_extension(row) for row in rows]

    async def extension_ids(self, account_id: str) -> frozenset[str]:
        rows = await self._rows(
            select(t.extensions.c.id).where(t.extensions.c.account_id == account_id)
        )
        return frozenset(row["id"] for row in rows)

    async def find_login(self, email: str) -> tuple[Extension, str] | None:
        row = await self._row(
            select(t.extensions).where(func.lower(t.extensions.c.email) == email.lower())
        )
        return (_extension(row), row["password_hash"]) if row else None

    async def find_login_by_number(
        self, main_number: str, extension_number: str | None
    ) -> tuple[Extension, str] | None:
        statement = (
            select(t.extensions)
            .join(t.accounts, t.accounts.c.id == t.extensions.c.account_id)
            .where(t.accounts.c.main_number == main_number)
        )
        if extension_number:
            statement = statement.where(t.extensions.c.extension_number == extension_number)
        else:
            statement = statement.where(t.extensions.c.is_admin.is_(True))
        row = await self._row(statement.order_by(t.extensions.c.extension_number).limit(1))
        return (_extension(row), row["password_hash"]) if row else None

    async def account_direct_numbers(self, account_id: str) -> frozenset[str]:
        account = await self.get_account(account_id)
        numbers = {account.main_number} if account else set()
        for extension in await self.list_extensions(account_id):
            numbers.update(extension.direct_numbers)
        return frozenset(numbers)

    async def lock_extension(self, extension_id: str) -> None:
        # Serialises writers of one extension on PostgreSQL; SQLite already holds the
        # database write lock for the whole transaction (BEGIN IMMEDIATE).
        await self._row(
            select(t.extensions.c.id).where(t.extensions.c.id == extension_id).with_for_update()
        )

    async def get_business_hours(self, extension_id: str) -> BusinessHours:
        row = await self._row(
            select(t.extensions.c.business_hours).where(t.extensions.c.id == extension_id)
        )
        return BusinessHours(weekly_from_json(json.loads(row["business_hours"])) if row else {})

    async def save_business_hours(self, extension_id: str, hours: BusinessHours) -> None:
        await self._execute(
            update(t.extensions)
            .where(t.extensions.c.id == extension_id)
            .values(business_hours=json.dumps(weekly_to_json(hours.weekly_ranges)))
        )

    async def insert_account(self, account: Account) -> None:
        await self._execute(
            insert(t.accounts).values(
                id=account.id,
                name=account.name,
                main_number=account.main_number,
                time_zone=account.time_zone,
                country=account.country,
            )
        )

    async def insert_extension(self, extension: Extension, password_hash: str) -> None:
        await self._execute(
            insert(t.extensions).values(
                id=extension.id,
                account_id=extension.account_id,
                extension_number=extension.extension_number,
                name=extension.name,
                email=extension.email,
                password_hash=password_hash,
                is_admin=extension.is_admin,
                time_zone=extension.time_zone,
                status=extension.status,
                direct_numbers=json.dumps(list(extension.direct_numbers)),
            )
        )

    # apps, tokens, settings
    async def get_app_secret_hash(self, client_id: str) -> str | None:
        row = await self._row(select(t.apps).where(t.apps.c.client_id == client_id))
        return row["secret_hash"] if row else None

    async def app_client_ids(self) -> list[str]:
        rows = await self._rows(select(t.apps.c.client_id).order_by(t.apps.c.client_id))
        return [row["client_id"] for row in rows]

    async def insert_app(self, client_id: str, secret_hash: str, name: str) -> None:
        await self._execute(
            insert(t.apps).values(client_id=client_id, secret_hash=secret_hash, name=name)
        )

    async def insert_token(
        self,
        *,
        token_hash: str,
        kind: str,
        session_id: str,
        extension_id: str,
        client_id: str,
        expires_at: float,
    ) -> None:
        await self._execute(
            insert(t.tokens).values(
                token_hash=token_hash,
                kind=kind,
                session_id=session_id,
                extension_id=extension_id,
                client_id=client_id,
                expires_at=expires_at,
                revoked=False,
            )
        )

    async def get_token(self, token_hash: str) -> RowMapping | None:
        return await self._row(select(t.tokens).where(t.tokens.c.token_hash == token_hash))

    async def revoke_session(self, session_id: str) -> None:
        await self._execute(
            update(t.tokens).where(t.tokens.c.session_id == session_id).values(revoked=True)
        )

    async def revoke_extension_tokens(self, extension_id: str) -> None:
        """End every session of the extension: API tokens and portal sessions alike."""
        await self._execute(
            update(t.tokens).where(t.tokens.c.extension_id == extension_id).values(revoked=True)
        )

    async def set_extension_status(self, extension_id: str, status: str) -> None:
        await self._execute(
            update(t.extensions).where(t.extensions.c.id == extension_id).values(status=status)
        )

    async def get_setting(self, key: str) -> str | None:
        row = await self._row(select(t.settings.c.value).where(t.settings.c.key == key))
        return row["value"] if row else None

    async def set_setting(self, key: str, value: str) -> None:
        await self._execute(insert(t.settings).values(key=key, value=value))

    async def next_id(self, sequence: str) -> int:
        row = await self._row(
            select(t.sequences.c.next_value).where(t.sequences.c.name == sequence).with_for_update()
        )
        value = int(row["next_value"]) if row else t.INITIAL_SEQUENCES[sequence]
        await self._execute(
            update(t.sequences).where(t.sequences.c.name == sequence).values(next_value=value + 1)
        )
        return value

    async def ensure_next_id_at_least(self, sequence: str, value: int) -> None:
        await self._execute(
            update(t.sequences)
            .where(t.sequences.c.name == sequence, t.sequences.c.next_value < value)
            .values(next_value=value)
        )

    # forwarding numbers
    async def list_forwarding_numbers(self, extension_id: str) -> list[ForwardingNumber]:
        rows = await self._rows(
            select(t.forwarding_numbers)
            .where(t.forwarding_numbers.c.extension_id == extension_id)
            .order_by(t.forwarding_numbers.c.id)
        )
        return [_forwarding_number(row) for row in rows]

    async def insert_forwarding_number(self, number: ForwardingNumber) -> None:
        await self._execute(
            insert(t.forwarding_numbers).values(id=int(number.id), **_number_values(number))
        )

    async def update_forwarding_number(self, number: ForwardingNumber) -> None:
        await self._execute(
            update(t.forwarding_numbers)
            .where(t.forwarding_numbers.c.id == int(number.id))
            .values(**_number_values(number))
        )

    async def delete_forwarding_numbers(self, extension_id: str, ids: Iterable[str]) -> None:
        await self._execute(
            delete(t.forwarding_numbers).where(
                t.forwarding_numbers.c.extension_id == extension_id,
                t.forwarding_numbers.c.id.in_([int(number_id) for number_id in ids]),
            )
        )

    # answering rules
    async def list_rules(self, extension_id: str) -> list[AnsweringRule]:
        rows = await self._rows(
            select(t.answering_rules)
            .where(t.answering_rules.c.extension_id == extension_id)
            .order_by(t.answering_rules.c.position)
        )
        return [rule_from_row(row) for row in rows]

    async def get_rule(self, extension_id: str, rule_id: str) -> AnsweringRule | None:
        row = await self._row(
            select(t.answering_rules).where(
                t.answering_rules.c.extension_id == extension_id,
                t.answering_rules.c.rule_id == rule_id,
            )
        )
        return rule_from_row(row) if row else None

    async def insert_rule(self, rule: AnsweringRule) -> None:
        await self._execute(
            insert(t.answering_rules).values(
                extension_id=rule.extension_id,
                rule_id=rule.id,
                position=rule.position,
                **_rule_values(rule),
            )
        )

    async def update_rule(self, rule: AnsweringRule, *, previous_version: int) -> bool:
        """Write ``rule`` if nobody changed it since ``previous_version``; False otherwise."""
        changed = await self._execute(
            update(t.answering_rules)
            .where(
                t.answering_rules.c.extension_id == rule.extension_id,
                t.answering_rules.c.rule_id == rule.id,
                t.answering_rules.c.version == previous_version,
            )
            .values(**_rule_values(rule))
        )
        return changed == 1

    async def delete_rule(self, extension_id: str, rule_id: str) -> None:
        await self._execute(
            delete(t.answering_rules).where(
                t.answering_rules.c.extension_id == extension_id,
                t.answering_rules.c.rule_id == rule_id,
            )
        )

    # audit trail
    async def insert_audit(self, **values: Any) -> None:
        await self._execute(insert(t.audit_log).values(**values))

    async def list_audit(
        self, extension_id: str, resource_type: str, resource_id: str
    ) -> Sequence[RowMapping]:
        return await self._rows(
            select(t.audit_log)
            .where(
                t.audit_log.c.extension_id == extension_id,
                t.audit_log.c.resource_type == resource_type,
                t.audit_log.c.resource_id == resource_id,
            )
            .order_by(t.audit_log.c.version.desc(), t.audit_log.c.id.desc())
        )


def _number_values(number: ForwardingNumber) -> dict[str, Any]:
    return {
        "extension_id": number.extension_id,
        "phone_number": number.phone_number,
        "label": number.label,
        "type": number.type,
        "flip_number": number.flip_number,
        "device_id": number.device_id,
    }


def _rule_values(rule: AnsweringRule) -> dict[str, Any]:
    return {
        "type": rule.type,
        "enabled": rule.enabled,
        "version": rule.version,
        "document": rule_to_document(rule),
    }
