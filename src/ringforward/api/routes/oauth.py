"""OAuth: ``POST /restapi/oauth/token`` (password, JWT, refresh) and ``/restapi/oauth/revoke``."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from fastapi import APIRouter, Request, Response

from ringforward.api.body import read_form
from ringforward.api.deps import Db
from ringforward.api.errors import HttpError
from ringforward.domain.errors import OAuthError
from ringforward.service import auth
from ringforward.service.auth import GrantClient, TokenGrant

router = APIRouter()
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


def _client_credentials(request: Request, form: dict[str, str]) -> tuple[str | None, str | None]:
    header = request.headers.get("authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() == "basic":
        try:
            client_id, _, secret = base64.b64decode(encoded).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError) as error:
            raise OAuthError(
                "Invalid client credentials",
                oauth_error="invalid_client",
                code="OAU-123",
                status=401,
            ) from error
        return client_id, secret
    return form.get("client_id"), form.get("client_secret")


def _required(form: dict[str, str], name: str) -> str:
    value = form.get(name)
    if not value:
        raise OAuthError(
            f"Required parameter [{name}] is missing",
            oauth_error="invalid_request",
            code="OAU-101",
            parameter_name=name,
        )
    return value


def _ttl(form: dict[str, str], name: str) -> int | None:
    raw = form.get(name)
    if raw is None or raw == "":
        return None
    if not raw.isdigit():
        raise OAuthError(
            f"Parameter [{name}] value is invalid",
            oauth_error="invalid_request",
            code="OAU-101",
            parameter_name=name,
        )
    return int(raw)


def _token_json(grant: TokenGrant) -> dict[str, Any]:
    return {
        "access_token": grant.access_token,
        "token_type": "bearer",
        "expires_in": grant.expires_in,
        "refresh_token": grant.refresh_token,
        "refresh_token_expires_in": grant.refresh_token_expires_in,
        "scope": grant.scope,
        "owner_id": grant.owner_id,
        "endpoint_id": grant.endpoint_id,
        "session_id": grant.session_id,
    }


async def _oauth_form(request: Request) -> dict[str, str]:
    """The form body; its refusals (415, 413, 400) carry OAuth's fields like every other."""
    try:
        return await read_form(request)
    except HttpError as error:
        raise OAuthError(
            error.message, oauth_error="invalid_request", code=error.code, status=error.status
        ) from error


@router.post("/restapi/oauth/token")
async def token(request: Request, db: Db) -> dict[str, Any]:
    form = await _oauth_form(request)
    client_id, secret = _client_credentials(request, form)
    grant_type = _required(form, "grant_type")
    client = GrantClient(
        client_id,
        secret,
        access_ttl=_ttl(form, "access_token_ttl"),
        refresh_ttl=_ttl(form, "refresh_token_ttl"),
    )
    if grant_type == "password":
        grant = await auth.password_grant(
            db,
            client,
            username=_required(form, "username"),
            extension=form.get("extension") or None,
            password=_required(form, "password"),
        )
    elif grant_type == JWT_GRANT:
        grant = await auth.jwt_grant(db, client, assertion=_required(form, "assertion"))
    elif grant_type == "refresh_token":
        refresh_token = _required(form, "refresh_token")
        grant = await auth.refresh_grant(db, client, refresh_token=refresh_token)
    else:
        raise OAuthError(
            f"Unsupported grant type: {grant_type}",
            oauth_error="unsupported_grant_type",
            code="OAU-250",
            parameter_name="grant_type",
        )
    return _token_json(grant)


@router.post("/restapi/oauth/revoke")
async def revoke(request: Request, db: Db) -> Response:
    form = await _oauth_form(request)
    client_id, secret = _client_credentials(request, form)
    token_value = form.get("token") or request.query_params.get("token")
    if not token_value:
        _required(form, "token")
    await auth.revoke(db, GrantClient(client_id, secret), token=token_value or "")
    return Response(status_code=200)
