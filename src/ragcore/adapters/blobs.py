"""Filesystem adapter of the ``BlobStore`` port (a local directory or a shared volume)."""

import contextlib
import os
import re
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

from ragcore.domain.errors import NotFound, Unavailable

# Keys are server-generated uuid4 hex; anything else is unknown, so no key can leave the root.
_KEY = re.compile(r"[0-9a-f]{32}")


class FilesystemBlobStore:
    """``BlobStore`` on a directory: blob ``<key>`` lives at ``<root>/<key[:2]>/<key>``.

    Writes are atomic (temporary file in the same folder, fsync, ``os.replace``), so a reader
    never sees a partial blob. OS errors other than a missing file raise Unavailable
    "blob_store_unavailable".
    """

    def __init__(self, root: str | Path) -> None:
        """``root``: the directory holding the blobs; created if missing."""
        self._root = Path(root)
        with _translated():
            self._root.mkdir(parents=True, exist_ok=True)

    def put(self, data: bytes) -> str:
        """Store ``data``; returns its new key (32 lowercase hex characters)."""
        key = uuid.uuid4().hex
        path = self._path(key)
        with _translated():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as file:
                    file.write(data)
                    file.flush()
                    os.fsync(file.fileno())
                os.replace(tmp, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        return key

    def get(self, key: str) -> bytes:
        """The blob's bytes; raises NotFound "blob_not_found" for an unknown or malformed key."""
        if not _KEY.fullmatch(key):
            raise _not_found(key)
        with _translated():
            try:
                return self._path(key).read_bytes()
            except FileNotFoundError as exc:
                raise _not_found(key) from exc

    def delete(self, key: str) -> None:
        """No error when absent (or malformed)."""
        if _KEY.fullmatch(key):
            with _translated():
                self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        """True when a blob is stored under ``key``."""
        if not _KEY.fullmatch(key):
            return False
        with _translated():
            return self._path(key).is_file()

    def keys(self) -> list[str]:
        """Every stored key, sorted; temporary files of unfinished writes are not keys."""
        with _translated():
            found = [
                path.name
                for shard in self._root.iterdir()
                if shard.is_dir()
                for path in shard.iterdir()
                if _KEY.fullmatch(path.name) and path.name[:2] == shard.name and path.is_file()
            ]
        return sorted(found)

    def _path(self, key: str) -> Path:
        return self._root / key[:2] / key


def _not_found(key: str) -> NotFound:
    return NotFound(f"blob {key!r} does not exist", code="blob_not_found")


@contextlib.contextmanager
def _translated() -> Iterator[None]:
    """An unreadable or unmounted volume is a backend outage, not a missing blob."""
    try:
        yield
    except OSError as exc:
        raise Unavailable("the blob store cannot be reached", code="blob_store_unavailable") from exc
