"""Jobs: leased, retried, cancellable units of work, and the lease a running job holds."""

from ragcore.domain.jobs.service import JobService

__all__ = ["JobService"]
