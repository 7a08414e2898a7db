"""Provisioning for self-hosters: accounts, their users (extensions), OAuth apps, and the
demo data of the product contract."""

from __future__ import annotations

from dataclasses import replace

from ringforward.domain.comm_handling.model import ENHANCED, GENERATIONS, LEGACY
from ringforward.domain.devices import Device
from ringforward.domain.errors import ConflictError, invalid, not_found
from ringforward.domain.model import (
    AFTER_HOURS_RULE_ID,
    BUSINESS_HOURS_RULE_ID,
    Account,
    AnsweringRule,
    BusinessHours,
    Caller,
    Extension,
    ForwardingGroup,
    ForwardingNumber,
    ForwardingSettings,
    TimeRange,
    UnconditionalForwarding,
    default_rule_name,
)
from ringforward.domain.phone import normalize_phone_number
from ringforward.domain.schedule import checked_time_zone
from ringforward.service.comm_setup import set_up_extension
from ringforward.service.enhanced_demo import load_enhanced_demo
from ringforward.service.secrets import hash_password
from ringforward.store.database import Database
from ringforward.store.repositories import Repositories, stored

MIN_PASSWORD_LENGTH = 8

DEMO_PASSWORD = "Demo-Passw0rd"
DEMO_CLIENT_ID = "demo-client-id"
# The demo admin's softphone: registers as DEMO_SIP_USER, digest user DEMO_SIP_AUTH_ID.
DEMO_DEVICE_ID = "80000001"
DEMO_SIP_USER = "2222222201"
DEMO_SIP_AUTH_ID = "80000001"
DEMO_SIP_PASSWORD = "Demo-Sip-Passw0rd"
DEMO_CLIENT_SECRET = "demo-client-secret"
DEMO_ACCOUNT_ID = "11111111"
DEMO_ADMIN_ID = "22222222"
DEMO_USER_ID = "22222223"
OTHER_ACCOUNT_ID = "99999999"
OTHER_ADMIN_ID = "88888888"
WEEKDAY_HOURS = {
    day: (TimeRange("09:00", "18:00"),)
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
}


def standard_rules(extension_id: str) -> list[AnsweringRule]:
    """The two rules every extension has from the start."""
    return [
        AnsweringRule(
            id=rule_id,
            extension_id=extension_id,
            type=rule_type,
            name=default_rule_name(rule_type),
            position=position,
        )
        for position, (rule_id, rule_type) in enumerate(
            ((BUSINESS_HOURS_RULE_ID, "BusinessHours"), (AFTER_HOURS_RULE_ID, "AfterHours"))
        )
    ]


async def create_extension(
    repo: Repositories, extension: Extension, password: str, hours: BusinessHours | None = None
) -> None:
    await repo.extensions.insert_extension(extension, hash_password(password))
    for rule in standard_rules(extension.id):
        await repo.rules.insert_rule(rule)
    if hours is not None:
        await repo.extensions.save_business_hours(extension.id, hours)


async def load_demo(db: Database) -> bool:
    """Load the contract's demo data unless it is there already; True when loaded now."""
    async with stored(db, writing=True) as repo:
        if await repo.extensions.get_account(DEMO_ACCOUNT_ID) is not None:
            # A demo database made before devices existed gets its softphone now.
            if await repo.extensions.get_extension(DEMO_ADMIN_ID) is not None:
                await _ensure_demo_device(repo)
            return False
        await repo.credentials.insert_app(
            DEMO_CLIENT_ID, hash_password(DEMO_CLIENT_SECRET), "Demo App"
        )
        await repo.extensions.insert_account(
            Account(DEMO_ACCOUNT_ID, "Demo Company", "+16505550000", "America/Los_Angeles")
        )
        admin, user = (
            Extension(
                extension_id,
                DEMO_ACCOUNT_ID,
                number,
                name,
                email,
                is_admin=extension_id == DEMO_ADMIN_ID,
                direct_numbers=(f"+16505550{number}",),
            )
            for extension_id, number, name, email in (
                (DEMO_ADMIN_ID, "101", "Demo Admin", "admin@example.com"),
                (DEMO_USER_ID, "102", "Demo User", "user@example.com"),
            )
        )
        await create_extension(repo, admin, DEMO_PASSWORD, BusinessHours(WEEKDAY_HOURS))
        await create_extension(repo, user, DEMO_PASSWORD)
        await repo.numbers.insert_forwarding_number(
            ForwardingNumber("33333333", DEMO_ADMIN_ID, "+16505550100", "My Phone3", "Other", 1)
        )
        await _configure_admin_rules(repo)
        await _ensure_demo_device(repo)
        await repo.extensions.insert_account(
            Account(OTHER_ACCOUNT_ID, "Other Company", "+13125550000", "America/New_York")
        )
        other = Extension(
            OTHER_ADMIN_ID,
            OTHER_ACCOUNT_ID,
            "101",
            "Other Admin",
            "other@example.com",
            is_admin=True,
        )
        await create_extension(repo, other, DEMO_PASSWORD)
        # An explicit id keeps the sequence untouched: the next number created is 44444444.
        await repo.numbers.insert_forwarding_number(
            ForwardingNumber("88880001", OTHER_ADMIN_ID, "+13125550100", "Other Phone", "Other", 1)
        )
        await load_enhanced_demo(repo, DEMO_PASSWORD)
        return True


async def _ensure_demo_device(repo: Repositories) -> None:
    if await repo.devices.get_device(DEMO_DEVICE_ID) is not None:
        return
    await repo.devices.insert_device(
        Device(
            DEMO_DEVICE_ID,
            DEMO_ADMIN_ID,
            "SoftPhone",
            "Demo Softphone",
            DEMO_SIP_USER,
            DEMO_SIP_AUTH_ID,
            DEMO_SIP_PASSWORD,
        )
    )


async def _configure_admin_rules(repo: Repositories) -> None:
    rules = repo.rules
    business = await rules.get_rule(DEMO_ADMIN_ID, BUSINESS_HOURS_RULE_ID)
    after = await rules.get_rule(DEMO_ADMIN_ID, AFTER_HOURS_RULE_ID)
    assert business is not None and after is not None
    await rules.update_rule(
        AnsweringRule(
            **{
                **business.__dict__,
                "forwarding": ForwardingSettings(groups=(ForwardingGroup(1, 3, ("33333333",)),)),
            }
        ),
        previous_version=business.version,
    )
    await rules.update_rule(
        AnsweringRule(**{**after.__dict__, "call_handling_action": "TakeMessagesOnly"}),
        previous_version=after.version,
    )
    await rules.insert_rule(
        AnsweringRule(
            id="55555555",
            extension_id=DEMO_ADMIN_ID,
            type="Custom",
            name="VIP caller",
            callers=(Caller("+14155550199"),),
            call_handling_action="UnconditionalForwarding",
            unconditional_forwarding=UnconditionalForwarding("+16505550100"),
            position=55555555,
        )
    )


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
    async with stored(db, writing=True) as repo:
        account = Account(
            str(await repo.sequences.next_id("account")),
            name.strip(),
            number,
            zone,
            country.upper(),
        )
        await repo.extensions.insert_account(account)
        await repo.comm.set_generation(account.id, call_handling)
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
    checked_password(password)
    zone = checked_time_zone(time_zone) if time_zone else None
    async with stored(db, writing=True) as repo:
        extensions = repo.extensions
        if await extensions.get_account(account_id) is None:
            raise not_found("accountId")
        if await extensions.find_login(email) is not None:
            raise ConflictError(f"{email} is already a login", parameter_name="email")
        if any(
            e.extension_number == extension_number
            for e in await extensions.list_extensions(account_id)
        ):
            raise ConflictError(
                f"extension number {extension_number} is taken", parameter_name="extensionNumber"
            )
        extension = Extension(
            str(await repo.sequences.next_id("extension")),
            account_id,
            extension_number,
            name.strip(),
            email.strip(),
            is_admin=is_admin,
            time_zone=zone,
        )
        await create_extension(repo, extension, password)
        if await repo.comm.generation(account_id) == ENHANCED:
            await set_up_extension(repo.comm, extension.id)
        return extension


def checked_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise invalid("password", f"needs at least {MIN_PASSWORD_LENGTH} characters")
    return password


async def add_app(db: Database, *, client_id: str, client_secret: str, name: str) -> None:
    """Register an OAuth client; its secret is stored only as an argon2 hash."""
    if not client_id.strip() or len(client_id) > 64:
        raise invalid("clientId", "expected 1 to 64 characters")
    if len(client_secret) < MIN_PASSWORD_LENGTH:
        raise invalid("clientSecret", f"needs at least {MIN_PASSWORD_LENGTH} characters")
    async with stored(db, writing=True) as repo:
        if await repo.credentials.get_app_secret_hash(client_id) is not None:
            raise ConflictError(f"app {client_id} exists", parameter_name="clientId")
        await repo.credentials.insert_app(
            client_id, hash_password(client_secret), name or client_id
        )


async def set_admin(db: Database, *, extension_id: str, is_admin: bool) -> Extension:
    """Make an extension an administrator of its account, or no longer one. Its sessions
    go on, with the new rights from their next request (on another process: as soon as it
    sees the change, docs/architecture.md)."""
    async with stored(db, writing=True) as repo:
        extension = await repo.extensions.get_extension(extension_id)
        if extension is None:
            raise not_found("extensionId")
        await repo.extensions.set_admin(extension_id, is_admin)
        return replace(extension, is_admin=is_admin)


async def set_extension_enabled(db: Database, *, extension_id: str, enabled: bool) -> Extension:
    """Enable or disable an extension. Disabling also ends all its sessions (API tokens
    and portal sessions), so nothing it signed in with before keeps working."""
    async with stored(db, writing=True) as repo:
        extension = await repo.extensions.get_extension(extension_id)
        if extension is None:
            raise not_found("extensionId")
        status = "Enabled" if enabled else "Disabled"
        await repo.extensions.set_extension_status(extension_id, status)
        if not enabled:
            await repo.credentials.revoke_extension_tokens(extension_id)
        return replace(extension, status=status)


async def set_password(db: Database, *, extension_id: str, password: str) -> Extension:
    """Give an extension a new password. Every session it had (API tokens and portal
    sessions) ends in the same transaction, so whoever signed in with the old password must
    sign in again: at once on the process that made the change, and on every other process
    as soon as it sees the change (docs/architecture.md, "Caches")."""
    # Hashed before the transaction: argon2 takes tens of milliseconds, no lock held meanwhile.
    password_hash = hash_password(checked_password(password))
    async with stored(db, writing=True) as repo:
        extension = await repo.extensions.get_extension(extension_id)
        if extension is None:
            raise not_found("extensionId")
        await repo.extensions.set_password_hash(extension_id, password_hash)
        await repo.credentials.revoke_extension_tokens(extension_id)
        return extension
