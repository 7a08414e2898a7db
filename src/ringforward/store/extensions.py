"""Accounts and their extensions: profiles, logins, business hours, the writer's lock."""

from __future__ import annotations

import json

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.engine import RowMapping

from ringforward.domain.model import Account, BusinessHours, Extension
from ringforward.store import tables as t
from ringforward.store.codec import weekly_from_json, weekly_to_json
from ringforward.store.queries import Queries


def _account(row: RowMapping) -> Account:
    return Account(row["id"], row["name"], row["main_number"], row["time_zone"], row["country"])


_ACCOUNT_FIELDS = ("id", "name", "main_number", "time_zone", "country")
# The account's columns under names of their own, beside the extension's in one row.
_ACCOUNT_COLUMNS = [t.accounts.c[name].label(f"account__{name}") for name in _ACCOUNT_FIELDS]


_EXTENSION_AND_ACCOUNT = (
    select(t.extensions, *_ACCOUNT_COLUMNS)
    .join(t.accounts, t.accounts.c.id == t.extensions.c.account_id)
    .where(t.extensions.c.id == bindparam("of_extension"))
)
_EXTENSION_IDS = select(t.extensions.c.id).where(
    t.extensions.c.account_id == bindparam("of_account")
)


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


def _login(row: RowMapping | None) -> tuple[Extension, str] | None:
    return (_extension(row), row["password_hash"]) if row else None


class ExtensionRepository(Queries):
    async def get_account(self, account_id: str) -> Account | None:
        row = await self._row(select(t.accounts).where(t.accounts.c.id == account_id))
        return _account(row) if row else None

    async def get_extension(self, extension_id: str) -> Extension | None:
        row = await self._row(select(t.extensions).where(t.extensions.c.id == extension_id))
        return _extension(row) if row else None

    async def get_extension_and_account(
        self, extension_id: str
    ) -> tuple[Extension, Account] | None:
        """The extension and its account, in one query."""
        row = await self._row(_EXTENSION_AND_ACCOUNT, {"of_extension": extension_id})
        if row is None:
            return None
        account = Account(*(row[f"account__{name}"] for name in _ACCOUNT_FIELDS))
        return _extension(row), account

    async def list_extensions(self, account_id: str) -> list[Extension]:
        rows = await self._rows(
            select(t.extensions)
            .where(t.extensions.c.account_id == account_id)
            .order_by(t.extensions.c.extension_number, t.extensions.c.id)
        )
        return [_extension(row) for row in rows]

    async def extension_ids(self, account_id: str) -> frozenset[str]:
        rows = await self._rows(_EXTENSION_IDS, {"of_account": account_id})
        return frozenset(row["id"] for row in rows)

    async def find_login(self, email: str) -> tuple[Extension, str] | None:
        """The extension with this email (any case) and its password hash."""
        return _login(
            await self._row(
                select(t.extensions).where(func.lower(t.extensions.c.email) == email.lower())
            )
        )

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
        return _login(await self._row(statement.order_by(t.extensions.c.extension_number).limit(1)))

    async def find_by_direct_number(self, number: str) -> Extension | None:
        """The extension that has ``number`` (E.164) among its direct numbers."""
        # Direct numbers are a JSON list per extension; the LIKE narrows, the parse decides.
        for row in await self._rows(
            select(t.extensions).where(t.extensions.c.direct_numbers.like(f'%"{number}"%'))
        ):
            extension = _extension(row)
            if number in extension.direct_numbers:
                return extension
        return None

    async def account_direct_numbers(self, account_id: str) -> frozenset[str]:
        account = await self.get_account(account_id)
        numbers = {account.main_number} if account else set()
        for extension in await self.list_extensions(account_id):
            numbers.update(extension.direct_numbers)
        return frozenset(numbers)

    async def set_extension_status(self, extension_id: str, status: str) -> None:
        await self._update_extension(extension_id, status=status)

    async def set_password_hash(self, extension_id: str, password_hash: str) -> None:
        await self._update_extension(extension_id, password_hash=password_hash)

    async def set_admin(self, extension_id: str, is_admin: bool) -> None:
        await self._update_extension(extension_id, is_admin=is_admin)

    async def _update_extension(self, extension_id: str, **values: object) -> None:
        await self._execute(
            update(t.extensions).where(t.extensions.c.id == extension_id).values(**values)
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
        await self._execute(insert(t.accounts).values(**account.__dict__))

    async def insert_extension(self, extension: Extension, password_hash: str) -> None:
        values = {
            **extension.__dict__,
            "direct_numbers": json.dumps(list(extension.direct_numbers)),
        }
        await self._execute(insert(t.extensions).values(password_hash=password_hash, **values))
