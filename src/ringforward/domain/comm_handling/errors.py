"""The refusal for an API of the other call-handling generation."""

from __future__ import annotations

from ringforward.domain.errors import DomainError


class GenerationMismatchError(DomainError, code="FeatureNotAvailable", status=403):
    """v1.0 answering rules on an enhanced account, or v2 comm-handling on a legacy one.

    No public source gives RingCentral's exact answer; ours is a 403 with its own
    errorCode (docs/api.md).
    """


def wrong_generation(generation: str) -> GenerationMismatchError:
    if generation == "enhanced":
        return GenerationMismatchError(
            "The account uses enhanced call handling: user answering rules are read and "
            "changed through /restapi/v2/accounts/{accountId}/extensions/{extensionId}/"
            "comm-handling",
            parameter_name="accountId",
        )
    return GenerationMismatchError(
        "The account uses legacy call handling: use the v1.0 answering-rule API",
        parameter_name="accountId",
    )
