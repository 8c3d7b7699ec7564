"""Clock adapters."""

from datetime import UTC, datetime


class SystemClock:
    """The machine's clock, timezone-aware UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)
