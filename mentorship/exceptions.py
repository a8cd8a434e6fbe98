"""The one family of domain errors.

Services raise these; the API maps them to HTTP once (`mentorship.api`).
Pages that change state through a service show `message` to the person.
"""


class DomainError(Exception):
    """A request that breaks a rule of the product. Message is shown to people."""

    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class RuleViolation(DomainError):
    """The input is understood but not allowed (HTTP 400)."""

    code = "rule_violation"


class Conflict(DomainError):
    """The object's current state forbids this change (HTTP 409)."""

    code = "conflict"


class LimitReached(DomainError):
    """A rate or count limit; `retry_after` seconds when it is time-based (HTTP 429)."""

    code = "limit_reached"

    def __init__(
        self, message: str, *, retry_after: int | None = None, code: str | None = None
    ) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after
