"""RingCentral paging: ``page``/``perPage`` in, ``paging`` and ``navigation`` out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

from fastapi import Request

from ringforward.domain.errors import invalid

T = TypeVar("T")
MAX_PER_PAGE = 1000
# RingCentral's paging model caps the page number too; a larger one is refused, not clamped,
# so that ``paging.page`` always says which page was asked for.
MAX_PAGE = 1000


@dataclass(frozen=True)
class PageRequest:
    page: int = 1
    per_page: int = 100


def _positive(request: Request, name: str, default: int, maximum: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise invalid(name, "must be a positive integer")
    return min(int(raw), maximum)


def page_request(request: Request) -> PageRequest:
    page = _positive(request, "page", 1, MAX_PAGE + 1)
    if page > MAX_PAGE:
        raise invalid("page", f"must be at most {MAX_PAGE}")
    return PageRequest(
        page=page,
        per_page=_positive(request, "perPage", 100, MAX_PER_PAGE),
    )


def paged(
    request: Request, items: Sequence[T], page: PageRequest, *, collection_uri: str | None = None
) -> tuple[list[T], dict[str, Any]]:
    """The items of the requested page and the ``uri``/``paging``/``navigation`` fields.

    ``collection_uri`` is the canonical address of the list (``~`` resolved to ids);
    the links are built on it so they name the same list whoever follows them.
    """
    total = len(items)
    total_pages = max(1, -(-total // page.per_page))
    start = (page.page - 1) * page.per_page
    chunk = list(items[start : start + page.per_page])
    base = collection_uri or str(request.url.replace(query=""))

    def link(number: int) -> dict[str, str]:
        query = [
            (k, v) for k, v in request.query_params.multi_items() if k not in ("page", "perPage")
        ]
        query += [("page", str(number)), ("perPage", str(page.per_page))]
        return {"uri": f"{base}?{urlencode(query)}"}

    paging: dict[str, Any] = {
        "page": page.page,
        "perPage": page.per_page,
        "totalPages": total_pages,
        "totalElements": total,
    }
    if chunk:
        paging["pageStart"] = start
        paging["pageEnd"] = start + len(chunk) - 1
    navigation = {"firstPage": link(1), "lastPage": link(total_pages)}
    if page.page > 1:
        navigation["previousPage"] = link(min(page.page - 1, total_pages))
    if page.page < total_pages:
        navigation["nextPage"] = link(page.page + 1)
    fields = {"uri": link(page.page)["uri"], "paging": paging, "navigation": navigation}
    return chunk, fields
