"""Test doubles of the Parser port that misbehave inside IsolatedParser's child process.

Module-level classes so that ``spawn`` can import them in the child by name.
"""

import os
import time

from ragcore.adapters.compute.formats import detect_format
from ragcore.domain.errors import IngestionFailed
from ragcore.domain.models import ParsedDocument, TextBlock


class _Base:
    def detect_format(self, data: bytes, filename: str) -> str:
        return detect_format(data, filename)


class SleepsForever(_Base):
    """Sleeps forever on bytes starting with b"SLEEP"; other bytes become one block of their text."""

    def parse(self, data: bytes, filename: str, *, heartbeat=None) -> ParsedDocument:
        while data.startswith(b"SLEEP"):
            time.sleep(3600)
        return ParsedDocument(blocks=[TextBlock(data.decode(), None)], page_count=None)


class Misbehaves(_Base):
    """b"HOG" allocates 4 GB, b"EXIT" ends the process with code 3, b"BAD" raises IngestionFailed,
    b"PID" answers the child's process id; anything else becomes one block of its text."""

    def parse(self, data: bytes, filename: str, *, heartbeat=None) -> ParsedDocument:
        if data == b"HOG":
            hog = bytearray(4 * 1024**3)
            return ParsedDocument(blocks=[TextBlock(str(len(hog)), None)], page_count=None)
        if data == b"EXIT":
            os._exit(3)
        if data == b"BAD":
            raise IngestionFailed("bad bytes", code="unparseable_document")
        text = str(os.getpid()) if data == b"PID" else data.decode()
        return ParsedDocument(blocks=[TextBlock(text, None)], page_count=None)
