"""In-memory ``BlobStore`` with the semantics of the filesystem store (held to it by tests/contract)."""

import threading
import uuid

from ragcore.domain.errors import NotFound


class MemoryBlobStore:
    """``BlobStore`` in a dict; keys are uuid4 hex like the filesystem store's."""

    def __init__(self) -> None:
        self._blobs: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def put(self, data: bytes) -> str:
        """Store a copy of ``data``; returns a new 32-hex-character key."""
        key = uuid.uuid4().hex
        with self._lock:
            self._blobs[key] = bytes(data)
        return key

    def get(self, key: str) -> bytes:
        """Raises NotFound "blob_not_found" for an unknown (or malformed) key."""
        with self._lock:
            data = self._blobs.get(key)
        if data is None:
            raise NotFound(f"blob {key!r} does not exist", code="blob_not_found")
        return data

    def delete(self, key: str) -> None:
        """No error when absent."""
        with self._lock:
            self._blobs.pop(key, None)

    def exists(self, key: str) -> bool:
        with self._lock:
            return key in self._blobs

    def keys(self) -> list[str]:
        """Every stored key, sorted."""
        with self._lock:
            return sorted(self._blobs)
