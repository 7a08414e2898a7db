"""Reading a request body ahead of the route in a middleware, and handing it on unchanged."""

from __future__ import annotations

from starlette.types import Message, Receive, Scope


async def read_body(receive: Receive, limit: int) -> tuple[bytes, list[Message], bool]:
    """The body, the messages it came in (to hand on unchanged) and whether it is whole;
    a body over ``limit`` is not read further (the route answers 413 for it)."""
    messages: list[Message] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return b"", messages, False
        size += len(message.get("body", b""))
        if size > limit:
            return b"", messages, False
        if not message.get("more_body", False):
            body = b"".join(m.get("body", b"") for m in messages)
            return body, messages, True


def replaying(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay


async def read_ahead(scope: Scope, receive: Receive) -> tuple[bytes | None, Receive]:
    """A request's whole body (None when it is not whole or over the server's limit),
    and the ``receive`` that hands it on unchanged to the application after all."""
    body, messages, whole = await read_body(receive, scope["app"].state.max_body_bytes)
    return (body if whole else None), replaying(messages, receive)
