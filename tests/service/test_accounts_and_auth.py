"""Accounts, OAuth grants, portal sessions and provisioning, called without HTTP."""

from __future__ import annotations

import pytest

from ringforward.domain.errors import (
    AuthenticationError,
    ConflictError,
    NotFoundError,
    OAuthError,
    PermissionDeniedError,
    ValidationError,
)
from ringforward.service import accounts, auth, portal_login, provisioning
from ringforward.service.auth import GrantClient
from ringforward.service.login_guard import LoginGuard
from ringforward.service.provisioning import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD
from ringforward.service.scope import ExtensionCall
from ringforward.store.database import Database
from tests.service.conftest import ADMIN, OTHER, USER

pytestmark = pytest.mark.anyio
CLIENT = GrantClient(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)


async def test_admins_list_every_extension_and_users_only_their_own(db: Database) -> None:
    everyone = await accounts.list_extensions(db, ADMIN, "~")
    assert [e.id for e in everyone.extensions] == ["22222222", "22222223"]
    own = await accounts.list_extensions(db, USER, "~")
    assert [e.id for e in own.extensions] == ["22222223"]
    narrowed = await accounts.list_extensions(db, ADMIN, "~", emails=["USER@example.com"])
    assert [e.id for e in narrowed.extensions] == ["22222223"]


async def test_another_account_answers_like_a_missing_one(db: Database) -> None:
    with pytest.raises(NotFoundError):
        await accounts.get_account(db, OTHER, ADMIN.account_id)
    with pytest.raises(PermissionDeniedError):
        await accounts.get_extension(ExtensionCall(db, USER, "~", ADMIN.extension_id))
    assert (await accounts.get_account(db, ADMIN, "~")).id == ADMIN.account_id


async def test_password_grant_then_refresh_rotates_the_session(db: Database) -> None:
    grant = await auth.password_grant(
        db,
        CLIENT,
        username="admin@example.com",
        extension=None,
        password=DEMO_PASSWORD,
        guard=LoginGuard(),
    )
    principal = await auth.authenticate(db, grant.access_token)
    assert principal.extension_id == ADMIN.extension_id and principal.is_admin
    renewed = await auth.refresh_grant(db, CLIENT, refresh_token=grant.refresh_token)
    with pytest.raises(AuthenticationError):
        await auth.authenticate(db, grant.access_token)
    with pytest.raises(OAuthError):
        await auth.refresh_grant(db, CLIENT, refresh_token=grant.refresh_token)
    await auth.revoke(db, CLIENT, token=renewed.access_token)
    with pytest.raises(AuthenticationError):
        await auth.authenticate(db, renewed.access_token)


async def test_a_wrong_password_or_client_is_refused(db: Database) -> None:
    with pytest.raises(OAuthError) as wrong:
        await auth.password_grant(
            db,
            CLIENT,
            username="+16505550000",
            extension="102",
            password="nope-nope",
            guard=LoginGuard(),
        )
    assert wrong.value.oauth_error == "invalid_grant"
    with pytest.raises(OAuthError) as client:
        await auth.password_grant(
            db,
            GrantClient(DEMO_CLIENT_ID, "wrong"),
            username="admin@example.com",
            extension=None,
            password=DEMO_PASSWORD,
            guard=LoginGuard(),
        )
    assert client.value.status == 401


async def test_a_jwt_credential_logs_its_extension_in(db: Database) -> None:
    credential = await auth.issue_jwt_credential(db, USER.extension_id)
    grant = await auth.jwt_grant(db, CLIENT, assertion=credential)
    assert grant.owner_id == USER.extension_id


async def test_portal_sessions_are_not_bearer_tokens(db: Database) -> None:
    session = await portal_login.sign_in(db, "user@example.com", DEMO_PASSWORD, LoginGuard())
    found = await portal_login.find_session(db, session.token)
    assert found is not None and found.principal.extension_id == USER.extension_id
    with pytest.raises(AuthenticationError):
        await auth.authenticate(db, session.token)
    await portal_login.sign_out(db, session.token)
    assert await portal_login.find_session(db, session.token) is None
    with pytest.raises(AuthenticationError):
        await portal_login.sign_in(db, "user@example.com", "wrong-password", LoginGuard())


async def test_provisioning_adds_accounts_users_and_apps(db: Database) -> None:
    account = await provisioning.add_account(
        db, name="Acme", main_number="(415) 555-0000", time_zone="America/New_York"
    )
    assert account.main_number == "+14155550000"
    extension = await provisioning.add_extension(
        db,
        account_id=account.id,
        extension_number="100",
        name="Ann Admin",
        email="ann@acme.test",
        password="long-enough",
        is_admin=True,
    )
    with pytest.raises(ConflictError):
        await provisioning.add_extension(
            db,
            account_id=account.id,
            extension_number="100",
            name="Bob",
            email="bob@acme.test",
            password="long-enough",
        )
    await provisioning.add_app(db, client_id="acme-app", client_secret="s3cret-s3cret", name="")
    with pytest.raises(ConflictError):
        await provisioning.add_app(db, client_id="acme-app", client_secret="s3cret-s3cret", name="")
    grant = await auth.password_grant(
        db,
        GrantClient("acme-app", "s3cret-s3cret"),
        username="ann@acme.test",
        extension=None,
        password="long-enough",
        guard=LoginGuard(),
    )
    assert grant.owner_id == extension.id
    with pytest.raises(ValidationError):
        await provisioning.add_extension(
            db,
            account_id=account.id,
            extension_number="x",
            name="Bad",
            email="bad@acme.test",
            password="long-enough",
        )
