"""Job DTOs."""

from datetime import datetime

import msgspec

from ragcore.domain.models import Job


class JobOut(msgspec.Struct):
    id: str
    document_id: str
    collection_id: str
    status: str
    priority: int
    progress: int
    stage: str
    attempts: int
    max_attempts: int
    error_code: str | None
    error_message: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, j: Job) -> "JobOut":
        return cls(**{f: getattr(j, f) for f in cls.__struct_fields__})
