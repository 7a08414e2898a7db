"""Creating accounts, extensions and apps, and the demo data of the product contract."""

from __future__ import annotations

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
from ringforward.service.enhanced_demo import load_enhanced_demo
from ringforward.service.secrets import hash_password
from ringforward.store.comm_repository import CommRepository
from ringforward.store.database import Database
from ringforward.store.repository import Repository

DEMO_PASSWORD = "Demo-Passw0rd"
DEMO_CLIENT_ID = "demo-client-id"
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
    repo: Repository, extension: Extension, password: str, hours: BusinessHours | None = None
) -> None:
    await repo.insert_extension(extension, hash_password(password))
    for rule in standard_rules(extension.id):
        await repo.insert_rule(rule)
    if hours is not None:
        await repo.save_business_hours(extension.id, hours)


async def load_demo(db: Database) -> bool:
    """Load the contract's demo data unless it is there already; True when loaded now."""
    async with db.writing() as uow:
        repo = Repository(uow)
        if await repo.get_account(DEMO_ACCOUNT_ID) is not None:
            return False
        await repo.insert_app(DEMO_CLIENT_ID, hash_password(DEMO_CLIENT_SECRET), "Demo App")
        await repo.insert_account(
            Account(DEMO_ACCOUNT_ID, "Demo Company", "+16505550000", "America/Los_Angeles")
        )
        admin = Extension(
            DEMO_ADMIN_ID,
            DEMO_ACCOUNT_ID,
            "101",
            "Demo Admin",
            "admin@example.com",
            is_admin=True,
            direct_numbers=("+16505550101",),
        )
        user = Extension(
            DEMO_USER_ID,
            DEMO_ACCOUNT_ID,
            "102",
            "Demo User",
            "user@example.com",
            is_admin=False,
            direct_numbers=("+16505550102",),
        )
        await create_extension(repo, admin, DEMO_PASSWORD, BusinessHours(WEEKDAY_HOURS))
        await create_extension(repo, user, DEMO_PASSWORD)
        await repo.insert_forwarding_number(
            ForwardingNumber("33333333", DEMO_ADMIN_ID, "+16505550100", "My Phone3", "Other", 1)
        )
        await _configure_admin_rules(repo)
        await repo.insert_account(
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
        await repo.insert_forwarding_number(
            ForwardingNumber("88880001", OTHER_ADMIN_ID, "+13125550100", "Other Phone", "Other", 1)
        )
        await load_enhanced_demo(repo, CommRepository(uow), DEMO_PASSWORD)
        return True


async def _configure_admin_rules(repo: Repository) -> None:
    business = await repo.get_rule(DEMO_ADMIN_ID, BUSINESS_HOURS_RULE_ID)
    after = await repo.get_rule(DEMO_ADMIN_ID, AFTER_HOURS_RULE_ID)
    assert business is not None and after is not None
    await repo.update_rule(
        AnsweringRule(
            **{
                **business.__dict__,
                "forwarding": ForwardingSettings(groups=(ForwardingGroup(1, 3, ("33333333",)),)),
            }
        ),
        previous_version=business.version,
    )
    await repo.update_rule(
        AnsweringRule(**{**after.__dict__, "call_handling_action": "TakeMessagesOnly"}),
        previous_version=after.version,
    )
    await repo.insert_rule(
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
