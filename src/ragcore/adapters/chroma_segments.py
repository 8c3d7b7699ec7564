"""Segment folders of an embedded ChromaDB that belong to no collection.

An embedded (PersistentClient) Chroma keeps each collection's vector index in a folder named by its
segment id next to ``chroma.sqlite3``; deleting the collection removes the segment's row but leaves
the folder on disk (chromadb 1.5). These helpers find such folders (no row in the ``segments`` table)
and remove them.
"""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from pathlib import Path


def leftover_segment_folders(path: Path) -> list[str]:
    """Names, sorted, of the folders under ``path`` named like a segment id that no segment owns;
    empty when ``path`` holds no Chroma database yet."""
    database = path / "chroma.sqlite3"
    if not database.exists():
        return []
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        owned = {row[0] for row in connection.execute("SELECT id FROM segments")}
    return sorted(p.name for p in path.iterdir() if p.is_dir() and _is_uuid(p.name) and p.name not in owned)


def remove_segment_folder(path: Path, name: str) -> None:
    """Delete folder ``name`` under ``path`` if it is still a leftover (no error when gone)."""
    if name in leftover_segment_folders(path):
        shutil.rmtree(path / name, ignore_errors=True)


def _is_uuid(name: str) -> bool:
    try:
        return str(uuid.UUID(name)) == name
    except ValueError:
        return False
