"""KeywordMetadataExtractor: MetadataExtractor port on plain heuristics and YAKE keyphrases (no model).

Title: the first Markdown heading, else the first non-blank line, else the file name's stem.
Summary: the first sentences of the first paragraph that is not the title (extractive, capped).
Keywords: the best YAKE keyphrases (1-3 words) of the first ``max_chars`` characters.
"""

import re
import threading
from pathlib import Path

from ragcore.domain.models import DocumentMetadata

_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$", re.MULTILINE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'“(\[]?[A-Z0-9])")
TITLE_MAX_CHARS = 200
SUMMARY_MAX_CHARS = 600


class KeywordMetadataExtractor:
    """Extracts title, summary and keywords in-process, deterministically, in milliseconds.

    ``top_keywords``: at most this many keyphrases, best first; ``summary_sentences``: sentences
    in the summary (capped at 600 characters); ``max_chars``: how much text YAKE reads (its cost is
    linear in it). ``language``: YAKE's stop-word list (ISO 639-1).
    """

    def __init__(
        self, *, top_keywords: int = 8, summary_sentences: int = 3, max_chars: int = 50_000, language: str = "en"
    ) -> None:
        self._top = top_keywords
        self._sentences = summary_sentences
        self._max_chars = max_chars
        self._language = language
        self._lock = threading.Lock()  # YAKE keeps per-call state on the extractor
        self._yake = None

    def extract(self, text: str, *, filename: str) -> DocumentMetadata:
        """Title, summary and keywords of ``text``; empty text gives the file name's stem as title only."""
        title = _title(text) or Path(filename).stem or None
        return DocumentMetadata(title=title, summary=self._summary(text, title), keywords=self._keywords(text))

    def _summary(self, text: str, title: str | None) -> str | None:
        for paragraph in re.split(r"\n\s*\n", text):
            lines = [ln.strip() for ln in paragraph.splitlines() if ln.strip() and not _HEADING.match(ln)]
            body = " ".join(lines)
            if body and body != title and len(body.split()) >= 5:  # skip headings, captions, lone labels
                sentences = _SENTENCE_END.split(body)
                return _cap(" ".join(sentences[: self._sentences]), SUMMARY_MAX_CHARS)
        return None

    def _keywords(self, text: str) -> tuple[str, ...]:
        sample = _HEADING.sub(r"\1.", text[: self._max_chars])
        if not sample.strip():
            return ()
        with self._lock:
            found = self._extractor().extract_keywords(sample)
        keywords: list[str] = []
        for phrase, _score in found:  # lower score = more relevant; YAKE returns them sorted
            if not any(_overlap(phrase, kept) for kept in keywords):
                keywords.append(phrase)
        return tuple(keywords[: self._top])

    def _extractor(self):
        if self._yake is None:
            import yake

            self._yake = yake.KeywordExtractor(lan=self._language, n=3, top=self._top * 3)
        return self._yake


def _title(text: str) -> str | None:
    heading = _HEADING.search(text)
    if heading:
        return _cap(heading.group(1).strip(), TITLE_MAX_CHARS)
    first = next((line.strip() for line in text.splitlines() if line.strip()), None)
    return _cap(first, TITLE_MAX_CHARS) if first else None


def _overlap(phrase: str, kept: str) -> bool:
    """True when half or more of the shorter phrase's words are in the other (near-duplicates)."""
    a, b = set(phrase.lower().split()), set(kept.lower().split())
    return len(a & b) * 2 >= min(len(a), len(b))


def _cap(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with "…" when cut."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit - 1].rstrip() + "…"
