"""Jobs: leased, retried, cancellable units of work, and the lease a running job holds."""

from ragcore.domain.jobs.lease import CANCELLED, BatchHandler, Lease, LeasedDocument, NoLease
from ragcore.domain.jobs.service import JobService

__all__ = ["CANCELLED", "BatchHandler", "JobService", "Lease", "LeasedDocument", "NoLease"]
