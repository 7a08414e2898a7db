"""Provisioning for self-hosters: accounts, their users (extensions) and OAuth apps."""

from __future__ import annotations

from ringforward.domain.comm_handling.model import ENHANCED, GENERATIONS, LEGACY
from ringforward.domain.errors import ConflictError, invalid, not_found
from ringforward.domain.model import Account, Extension
from ringforward.domain.phone import normalize_phone_number
from ringforward.domain.schedule import checked_time_zone
from ringforward.service.comm_setup import set_up_extension
from ringforward.service.provisioning import create_extension
from ringforward.service.secrets import hash_password
from ringforward.store.comm_repository import CommRepository
from ringforward.store.database import Database
from ringforward.store.repository import Repository

MIN_PASSWORD_LENGTH = 8


async def add_account(
    db: Database,
    *,
    name: str,
    main_number: str,
    time_zone: str,
    country: str = "US",
    call_handling: str = LEGACY,
) -> Account:
    """A new account with the next free id; its first admin is added with add_extension."""
    if call_handling not in GENERATIONS:
        raise invalid("callHandling", f"must be one of {', '.join(GENERATIONS)}")
    if not name.strip():
        raise invalid("name", "an account needs a name")
    if len(country) != 2 or not country.isalpha():
        raise invalid("country", "expected an ISO 3166 two-letter code")
    number = normalize_phone_number(
        main_number, region=country.upper(), parameter_name="mainNumber"
    )
    zone = checked_time_zone(time_zone)
    async with db.writing() as uow:
        repo = Repository(uow)
        account = Account(
            str(await repo.next_id("account")), name.strip(), number, zone, country.upper()
        )
        await repo.insert_account(account)
        await CommRepository(uow).set_generation(account.id, call_handling)
        return account


async def add_extension(
    db: Database,
    *,
    account_id: str,
    extension_number: str,
    name: str,
    email: str,
    password: str,
    is_admin: bool = False,
    time_zone: str | None = None,
) -> Extension:
    """A user extension with its business-hours and after-hours rules (open 24/7)."""
    if not extension_number.isdigit() or len(extension_number) > 8:
        raise invalid("extensionNumber", "expected up to 8 digits")
    if "@" not in email or len(email) > 254:
        raise invalid("email", "expected an email address")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise invalid("password", f"needs at least {MIN_PASSWORD_LENGTH} characters")
    zone = checked_time_zone(time_zone) if time_zone else None
    async with db.writing() as uow:
        repo = Repository(uow)
        if await repo.get_account(account_id) is None:
            raise not_found("accountId")
        if await repo.find_login(email) is not None:
            raise ConflictError(f"{email} is already a login", parameter_name="email")
        if any(
            e.extension_number == extension_number for e in await repo.list_extensions(account_id)
        ):
            raise ConflictError(
                f"extension number {extension_number} is taken", parameter_name="extensionNumber"
            )
        extension = Extension(
            str(await repo.next_id("extension")),
            account_id,
            extension_number,
            name.strip(),
            email.strip(),
            is_admin=is_admin,
            time_zone=zone,
        )
        await create_extension(repo, extension, password)
        comm = CommRepository(uow)
        if await comm.generation(account_id) == ENHANCED:
            await set_up_extension(comm, extension.id)
        return extension


async def add_app(db: Database, *, client_id: str, client_secret: str, name: str) -> None:
    """Register an OAuth client; its secret is stored only as an argon2 hash."""
    if not client_id.strip() or len(client_id) > 64:
        raise invalid("clientId", "expected 1 to 64 characters")
    if len(client_secret) < MIN_PASSWORD_LENGTH:
        raise invalid("clientSecret", f"needs at least {MIN_PASSWORD_LENGTH} characters")
    async with db.writing() as uow:
        repo = Repository(uow)
        if await repo.get_app_secret_hash(client_id) is not None:
            raise ConflictError(f"app {client_id} exists", parameter_name="clientId")
        await repo.insert_app(client_id, hash_password(client_secret), name or client_id)
