"""One error hierarchy for ragcore. The HTTP layer maps each class to a status in one place.

Every error carries a stable machine-readable ``code`` (snake_case) and a human ``message``.
"""


class RagCoreError(Exception):
    """Base of every domain error; ``code`` is stable, ``message`` is safe to show to a user."""

    code = "internal_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class NotFound(RagCoreError):
    code = "not_found"


class Conflict(RagCoreError):
    code = "conflict"


class LeaseLost(Conflict):
    """The worker no longer holds the job's lease (it expired and another worker took the job)."""

    code = "lease_lost"


class JobCancelled(Conflict):
    """The job was cancelled while a worker held it."""

    code = "job_cancelled"


class Invalid(RagCoreError):
    code = "invalid"


class PayloadTooLarge(Invalid):
    code = "payload_too_large"


class Unavailable(RagCoreError):
    """A backing store or compute is unreachable; the operation may succeed if retried."""

    code = "unavailable"


class IngestionFailed(RagCoreError):
    """A document cannot be ingested whatever the number of retries (unparseable, empty text, ...)."""

    code = "ingestion_failed"


class Unauthenticated(RagCoreError):
    """No valid credentials: a missing, malformed, unknown, revoked or expired key (HTTP 401)."""

    code = "unauthenticated"


class Forbidden(RagCoreError):
    """The acting user may see the resource but not do this to it (HTTP 403)."""

    code = "forbidden"


class RateLimited(RagCoreError):
    """Too many requests; ``retry_after`` is the wait in whole seconds (HTTP 429)."""

    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after
