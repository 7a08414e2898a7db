"""A page of an extension's settings: what it shows, and the outcome of the last post."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypedDict, TypeVar, Unpack

from fastapi import APIRouter, Request
from starlette.responses import Response

from ringforward.domain.errors import DomainError
from ringforward.portal.responses import Problem, error_page, page
from ringforward.portal.session import Session
from ringforward.service.portal_login import PortalSession


class Outcome(TypedDict, total=False):
    """What the last post did, shown on the page it answers with: a refusal (whose status
    the page is sent with) or a notice."""

    problem: Problem | None
    notice: str | None


async def settings_page(
    request: Request,
    session: PortalSession,
    template: str,
    load: Callable[[], Awaitable[dict[str, Any]]],
    **outcome: Unpack[Outcome],
) -> Response:
    """``template`` filled with what ``load`` reads, or the error page when the extension
    is not there or not the caller's to see."""
    try:
        context = await load()
    except DomainError as error:
        return error_page(request, session, error)
    problem = outcome.get("problem")
    context.update(problem=problem, notice=outcome.get("notice"))
    status = problem.status if problem else 200
    return page(request, template, context, session=session, status=status)


ShowPage = TypeVar("ShowPage", bound=Callable[[Request, PortalSession, str], Awaitable[Response]])


def shown_at(router: APIRouter, path: str) -> Callable[[ShowPage], ShowPage]:
    """Register ``GET path`` as the page the decorated function shows (with no outcome)."""

    def register(show: ShowPage) -> ShowPage:
        async def current(request: Request, extension_id: str, session: Session) -> Response:
            return await show(request, session, extension_id)

        router.get(path, name=show.__name__.strip("_"))(current)
        return show

    return register
