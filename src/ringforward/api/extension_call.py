"""What a route on one extension hands its use case (``use_case(ext, …)``), and how it
pages what comes back."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request

from ringforward.api.deps import Caller, Db
from ringforward.api.paging import PageRequest, paged
from ringforward.api.render import extension_uri
from ringforward.domain.model import Extension
from ringforward.service.scope import ExtensionCall

T = TypeVar("T")


def extension_call(accountId: str, extensionId: str, who: Caller, db: Db) -> ExtensionCall:
    return ExtensionCall(db, who, accountId, extensionId)


Ext = Annotated[ExtensionCall, Depends(extension_call)]


def extension_page(
    request: Request,
    page: PageRequest,
    base: str,
    extension: Extension,
    collection: str,
    items: Sequence[T],
    render: Callable[[T], dict[str, Any]],
) -> dict[str, Any]:
    """One page of a list under the extension (``collection`` is its path there), with
    links on the extension's canonical address, so they name the same list for anyone."""
    uri = f"{extension_uri(base, extension.account_id, extension.id)}/{collection}"
    chunk, fields = paged(request, items, page, collection_uri=uri)
    return {"records": [render(item) for item in chunk], **fields}
