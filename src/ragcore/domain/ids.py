"""Server-generated identifiers."""

import uuid


def new_id() -> str:
    """32 lowercase hex characters (UUID4)."""
    return uuid.uuid4().hex
