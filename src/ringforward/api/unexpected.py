"""The last safety net: an unexpected exception becomes a RingCentral-style 500 body.

A plain ASGI middleware rather than an ``Exception`` handler: Starlette re-raises after
such a handler runs, which makes the server drop the client's keep-alive connection, so
the client's next request on it would fail too.
"""

from __future__ import annotations

import logging

from starlette.responses import JSONResponse
from starlette.types import Message, Receive, Scope, Send

from ringforward.api.http_middleware import HttpMiddleware

log = logging.getLogger("ringforward")
BODY = {
    "errorCode": "CMN-500",
    "message": "Internal server error",
    "errors": [{"errorCode": "CMN-500", "message": "Internal server error"}],
}


class CatchUnexpectedErrors(HttpMiddleware):
    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            log.exception("unexpected error in %s %s", scope.get("method"), scope.get("path"))
            if started:  # too late for an error body: let the server close the connection
                raise
            await JSONResponse(BODY, status_code=500)(scope, receive, send)
