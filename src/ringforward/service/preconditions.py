"""Optimistic concurrency, one rule for every versioned resource: ``If-Match`` and saves."""

from __future__ import annotations

from ringforward.domain.errors import PreconditionFailedError


def check_if_match(etag: str, if_match: str | None, *, subject: str) -> None:
    """Refuse a write made from a stale read (our optional ``If-Match`` extension): the
    header must list ``etag`` or ``*``; weak tags (``W/``) compare as strong ones."""
    if if_match is None:
        return
    tags = {tag.strip().removeprefix("W/") for tag in if_match.split(",")}
    if "*" not in tags and etag not in tags:
        raise PreconditionFailedError(
            f"{subject} was changed since it was read; read it again and retry",
            parameter_name="If-Match",
        )


def changed_meanwhile(subject: str, parameter_name: str) -> PreconditionFailedError:
    """A save that lost the race: another request wrote a newer version first."""
    return PreconditionFailedError(
        f"{subject} was changed by another request; retry", parameter_name=parameter_name
    )
