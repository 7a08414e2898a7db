"""A RingCentral-compatible REST client: OAuth logins, token refresh, and retry on 429."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any

import httpx

from ringforward.client.errors import ClientError, RingCentralError, TransportError
from ringforward.client.settings import ConnectionSettings

TOKEN_PATH = "/restapi/oauth/token"
REVOKE_PATH = "/restapi/oauth/revoke"
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
# Refresh this long before the access token runs out, so a request never races its expiry.
EXPIRY_MARGIN_SECONDS = 30.0


@dataclass(frozen=True)
class RetryPolicy:
    """How the client waits out 429 Too Many Requests.

    At most ``max_retries`` retries; each waits what ``Retry-After`` says, else the
    ``X-Rate-Limit-Window`` when ``X-Rate-Limit-Remaining`` is 0, else an exponential
    back-off from ``backoff_seconds``. A wait longer than ``max_wait_seconds`` is not
    attempted: the 429 is raised at once, since sleeping that long would surprise a user.
    """

    max_retries: int = 3
    max_wait_seconds: float = 60.0
    backoff_seconds: float = 1.0

    def delay(self, response: httpx.Response, attempt: int) -> float:
        """Seconds to wait before retry number ``attempt`` (0-based) of this 429 response."""
        told = retry_after_seconds(response.headers)
        if told is not None:
            return told
        headers = response.headers
        window = _number(headers.get("x-rate-limit-window"))
        if window is not None and _number(headers.get("x-rate-limit-remaining")) == 0:
            return window
        return float(self.backoff_seconds * 2**attempt)


def retry_after_seconds(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """``Retry-After`` in seconds (delta-seconds or an HTTP date), or None when absent/bad."""
    raw = headers.get("retry-after")
    if raw is None:
        return None
    seconds = _number(raw)
    if seconds is not None:
        return max(seconds, 0.0)
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    current = time.time() if now is None else now
    return max(when.timestamp() - current, 0.0)


def _number(raw: str | None) -> float | None:
    try:
        return float(raw) if raw is not None else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Token:
    access_token: str
    refresh_token: str | None
    # time.monotonic() deadlines; None when the server gave no lifetime.
    expires_at: float | None
    refresh_expires_at: float | None
    owner_id: str | None = None

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> Token:
        now = time.monotonic()

        def deadline(name: str) -> float | None:
            value = body.get(name)
            return now + float(value) if isinstance(value, int | float) else None

        access = body.get("access_token")
        if not isinstance(access, str) or not access:
            raise ClientError("The token endpoint answered without an access_token")
        refresh = body.get("refresh_token")
        owner = body.get("owner_id")
        return cls(
            access_token=access,
            refresh_token=refresh if isinstance(refresh, str) and refresh else None,
            expires_at=deadline("expires_in"),
            refresh_expires_at=deadline("refresh_token_expires_in"),
            owner_id=str(owner) if owner is not None else None,
        )

    def access_expired(self) -> bool:
        return self.expires_at is not None and time.monotonic() > (
            self.expires_at - EXPIRY_MARGIN_SECONDS
        )

    def can_refresh(self) -> bool:
        return self.refresh_token is not None and (
            self.refresh_expires_at is None or time.monotonic() < self.refresh_expires_at
        )


class RingCentralClient:
    """Talks to one RingCentral-compatible server; paths start with ``/restapi/``.

    Every failed response becomes a :class:`RingCentralError`; transport failures a
    :class:`TransportError`. Use as a context manager, or call :meth:`close`.
    """

    def __init__(
        self,
        server_url: str,
        client_id: str,
        client_secret: str | None = None,
        *,
        retry: RetryPolicy | None = None,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        user_agent: str = "ringforward-client",
    ) -> None:
        self.server_url = server_url.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret or ""
        self.retry = retry or RetryPolicy()
        self.token: Token | None = None
        self._sleep = sleep
        self._http = httpx.Client(
            base_url=self.server_url,
            timeout=timeout,
            transport=transport,
            headers={"User-Agent": user_agent, "Accept": "application/json"},
        )

    @classmethod
    def connect(cls, settings: ConnectionSettings, **options: Any) -> RingCentralClient:
        """A client for ``settings``, logged in with the JWT grant or else the password grant."""
        missing = settings.problems()
        if missing:
            raise ClientError("Missing connection settings: " + "; ".join(missing))
        assert settings.server_url and settings.client_id
        client = cls(settings.server_url, settings.client_id, settings.client_secret, **options)
        try:
            if settings.jwt:
                client.login_jwt(settings.jwt)
            else:
                assert settings.username and settings.password
                client.login_password(settings.username, settings.password, settings.extension)
        except BaseException:
            client.close()
            raise
        return client

    # -- OAuth -----------------------------------------------------------------------------

    def login_jwt(self, assertion: str) -> Token:
        return self._grant({"grant_type": JWT_GRANT, "assertion": assertion})

    def login_password(self, username: str, password: str, extension: str | None = None) -> Token:
        form = {"grant_type": "password", "username": username, "password": password}
        if extension:
            form["extension"] = extension
        return self._grant(form)

    def refresh(self) -> Token:
        if self.token is None or self.token.refresh_token is None:
            raise ClientError("Not logged in with a refresh token; log in first")
        return self._grant(
            {"grant_type": "refresh_token", "refresh_token": self.token.refresh_token}
        )

    def revoke(self) -> None:
        """Revoke the session's tokens on the server and forget them here."""
        if self.token is None:
            return
        token, self.token = self.token, None
        self._send(
            "POST",
            REVOKE_PATH,
            data={"token": token.refresh_token or token.access_token},
            auth=(self.client_id, self.client_secret),
        )

    def _grant(self, form: dict[str, str]) -> Token:
        response = self._send(
            "POST", TOKEN_PATH, data=form, auth=(self.client_id, self.client_secret)
        )
        self.token = Token.from_json(response.json())
        return self.token

    # -- API requests ----------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Send an authorised request; raise :class:`RingCentralError` unless it succeeds.

        An expired access token is refreshed first, and a 401 is retried once after a
        refresh, so long-running scripts survive token expiry.
        """
        if self.token is None:
            raise ClientError("Not logged in; call login_jwt or login_password first")
        if self.token.access_expired() and self.token.can_refresh():
            self.refresh()
        try:
            return self._send(
                method, path, params=params, json=json, content=content, headers=headers
            )
        except RingCentralError as error:
            if error.status != 401 or self.token is None or not self.token.can_refresh():
                raise
        self.refresh()
        return self._send(method, path, params=params, json=json, content=content, headers=headers)

    def get(self, path: str, **options: Any) -> httpx.Response:
        return self.request("GET", path, **options)

    def post(self, path: str, **options: Any) -> httpx.Response:
        return self.request("POST", path, **options)

    def put(self, path: str, **options: Any) -> httpx.Response:
        return self.request("PUT", path, **options)

    def patch(self, path: str, **options: Any) -> httpx.Response:
        return self.request("PATCH", path, **options)

    def delete(self, path: str, **options: Any) -> httpx.Response:
        return self.request("DELETE", path, **options)

    def records(
        self, path: str, params: Mapping[str, Any] | None = None, per_page: int = 100
    ) -> Iterator[dict[str, Any]]:
        """Every record of a paged list, page by page (RingCentral's ``paging``)."""
        page = 1
        while True:
            body = self.get(
                path, params={**(params or {}), "page": page, "perPage": per_page}
            ).json()
            yield from body.get("records") or []
            paging = body.get("paging") or {}
            total_pages = paging.get("totalPages")
            has_next = "nextPage" in (body.get("navigation") or {})
            if isinstance(total_pages, int) and not has_next:
                has_next = page < total_pages
            if not has_next or not body.get("records"):
                return
            page += 1

    # -- plumbing --------------------------------------------------------------------------

    def _send(
        self,
        method: str,
        path: str,
        *,
        auth: tuple[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        **options: Any,
    ) -> httpx.Response:
        all_headers = dict(headers or {})
        if auth is None and self.token is not None:
            all_headers["Authorization"] = f"Bearer {self.token.access_token}"
        attempt = 0
        while True:
            try:
                response = self._http.request(
                    method, path, headers=all_headers, auth=auth, **options
                )
            except httpx.TransportError as error:
                raise TransportError(
                    f"Cannot reach {self.server_url}: {error or type(error).__name__}"
                ) from error
            if response.status_code != 429 or attempt >= self.retry.max_retries:
                break
            wait = self.retry.delay(response, attempt)
            if wait > self.retry.max_wait_seconds:
                break
            self._sleep(wait)
            attempt += 1
        if response.is_error:
            raise RingCentralError.from_response(response)
        return response

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> RingCentralClient:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
