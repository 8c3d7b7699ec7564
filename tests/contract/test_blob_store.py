"""Contract of the BlobStore port, run against every adapter."""

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from ragcore.adapters.blobs import FilesystemBlobStore
from ragcore.adapters.memory_blobs import MemoryBlobStore
from ragcore.domain.errors import NotFound
from ragcore.domain.ports import BlobStore

FACTORIES: dict[str, Callable[[Path], BlobStore]] = {
    "memory": lambda tmp_path: MemoryBlobStore(),
    "filesystem": lambda tmp_path: FilesystemBlobStore(tmp_path / "blobs"),
}


@pytest.fixture(params=list(FACTORIES))
def blobs(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStore:
    return FACTORIES[request.param](tmp_path)


def test_put_get_round_trip(blobs: BlobStore) -> None:
    data = bytes(range(256)) * 10
    key = blobs.put(data)
    assert re.fullmatch(r"[0-9a-f]{32}", key) is not None
    assert blobs.get(key) == data
    assert blobs.exists(key) is True


def test_keys_are_unique_and_empty_bytes_are_kept(blobs: BlobStore) -> None:
    first, second = blobs.put(b""), blobs.put(b"")
    assert first != second
    assert blobs.get(first) == b""


def test_unknown_key_is_not_found(blobs: BlobStore) -> None:
    with pytest.raises(NotFound) as err:
        blobs.get("0" * 32)
    assert err.value.code == "blob_not_found"
    assert blobs.exists("0" * 32) is False


def test_delete_then_gone_and_delete_again_is_noop(blobs: BlobStore) -> None:
    key = blobs.put(b"bytes")
    other = blobs.put(b"other")
    blobs.delete(key)
    assert blobs.exists(key) is False
    with pytest.raises(NotFound) as err:
        blobs.get(key)
    assert err.value.code == "blob_not_found"
    blobs.delete(key)
    assert blobs.get(other) == b"other"


@pytest.mark.parametrize("key", ["../../etc/passwd", "/etc/passwd", "..", "", "AB" * 16, "0" * 31 + "/"])
def test_malformed_keys_never_leave_the_root(blobs: BlobStore, key: str) -> None:
    with pytest.raises(NotFound) as err:
        blobs.get(key)
    assert err.value.code == "blob_not_found"
    assert blobs.exists(key) is False
    blobs.delete(key)  # no error, nothing removed


def test_filesystem_layout_is_sharded_and_leaves_no_temp_files(tmp_path: Path) -> None:
    store = FilesystemBlobStore(tmp_path / "root")
    key = store.put(b"payload")
    assert (tmp_path / "root" / key[:2] / key).read_bytes() == b"payload"
    assert sorted(p.name for p in (tmp_path / "root").rglob("*")) == sorted([key[:2], key])


def test_filesystem_traversal_key_cannot_read_outside_root(tmp_path: Path) -> None:
    (tmp_path / "secret").write_bytes(b"secret")
    store = FilesystemBlobStore(tmp_path / "root" / "blobs")
    with pytest.raises(NotFound) as err:
        store.get("../../secret")
    assert err.value.code == "blob_not_found"
    store.delete("../../secret")
    assert (tmp_path / "secret").read_bytes() == b"secret"


def test_keys_lists_every_stored_key_sorted(blobs: BlobStore) -> None:
    assert blobs.keys() == []
    stored = [blobs.put(b"one"), blobs.put(b""), blobs.put(b"three")]
    assert blobs.keys() == sorted(stored)
    blobs.delete(stored[1])
    assert blobs.keys() == sorted([stored[0], stored[2]])


def test_filesystem_keys_ignore_foreign_and_temporary_files(tmp_path: Path) -> None:
    store = FilesystemBlobStore(tmp_path / "root")
    key = store.put(b"payload")
    (tmp_path / "root" / key[:2] / ".tmp-unfinished").write_bytes(b"partial")
    (tmp_path / "root" / "ab").mkdir(exist_ok=True)
    (tmp_path / "root" / "ab" / ("cd" + "0" * 30)).write_bytes(b"wrong shard")
    (tmp_path / "root" / "README").write_text("not a blob")
    assert store.keys() == [key]
