"""LlamaIndexChunker: Chunker port on llama-index-core's SentenceSplitter, measured in model tokens.

Invariant: for every chunk, ``embedding_text(chunk)`` (heading line + text, see domain/ingestion.py)
is at most ``max_tokens - 2`` tokens by the embedder's tokenizer, so [CLS]/[SEP] fit and the model
never truncates a chunk.
"""

import itertools
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import msgspec

from ragcore.domain.models import Chunk, ParsedDocument, TextBlock, chunk_id

_MIN_CHUNK_TOKENS = 16


class _Section(msgspec.Struct, frozen=True):
    """Consecutive blocks with one heading path; ``spans`` are (start, end, page) char offsets."""

    headings: tuple[str, ...]
    text: str
    spans: list[tuple[int, int, int | None]]

    def pages(self, start: int, end: int) -> tuple[int, ...]:
        """Sorted pages of the blocks overlapping text[start:end]."""
        return tuple(sorted({p for s, e, p in self.spans if p is not None and s < end and e > start}))


class LlamaIndexChunker:
    """Splits a ParsedDocument section by section (blocks joined by blank lines) into Chunks.

    ``tokenize``: the embedder's tokenizer (no special tokens); ``max_tokens``: its max sequence
    length. ``chunk_size`` (tokens) is clamped to ``max_tokens - 2`` and reduced per section by the
    heading line's tokens; ``chunk_overlap`` in tokens. Chunk ids are ``<document_id>:<0..n-1>``.
    """

    def __init__(
        self, tokenize: Callable[[str], list], max_tokens: int, *, chunk_size: int, chunk_overlap: int
    ) -> None:
        if max_tokens - 2 < 2 * _MIN_CHUNK_TOKENS:
            raise ValueError(f"max_tokens={max_tokens} leaves no room for a chunk")
        self._tokenize = tokenize
        self._budget = max_tokens - 2  # [CLS] and [SEP]
        self._chunk_size = max(_MIN_CHUNK_TOKENS, min(chunk_size, self._budget))
        self._overlap = chunk_overlap
        self._splitters: dict[int, Any] = {}

    def chunk(self, parsed: ParsedDocument, *, document_id: str, filename: str) -> list[Chunk]:
        """Chunks in document order; whitespace-only text yields none. Pages: 1-based, sorted."""
        chunks: list[Chunk] = []
        for section in _sections(parsed.blocks):
            headings = self._fit_headings(section.headings)
            for text, pages in self._split(section, headings):
                i = len(chunks)
                chunks.append(Chunk(
                    id=chunk_id(document_id, i), document_id=document_id, index=i, text=text,
                    pages=pages, headings=headings, filename=filename,
                ))
        return chunks

    def _split(self, section: _Section, headings: tuple[str, ...]) -> Iterator[tuple[str, tuple[int, ...]]]:
        prefix = _heading_line(headings)
        size = max(_MIN_CHUNK_TOKENS, min(self._chunk_size, self._budget - self._count(prefix)))
        try:
            texts = self._splitter(size).split_text(section.text)
        except ValueError:  # "Single token exceeded chunk size": let _fit cut it
            texts = [section.text]
        cursor = 0
        for text in texts:
            for piece in self._fit(text.strip(), prefix):
                start = _locate(section.text, piece, cursor)
                if start is None:
                    yield piece, section.pages(0, len(section.text))
                    continue
                cursor = start + 1  # chunks overlap, but each starts after the previous one
                yield piece, section.pages(start, start + len(piece))

    def _fit(self, text: str, prefix: str) -> list[str]:
        """``text`` cut in halves (at spaces) until each piece, after ``prefix``, fits the budget."""
        if not text:
            return []
        if len(text) == 1 or self._count(prefix + text) <= self._budget:
            return [text]
        middle = len(text) // 2
        cut = text.rfind(" ", 0, middle + 1)
        cut = cut if cut > 0 else middle
        return self._fit(text[:cut].strip(), prefix) + self._fit(text[cut:].strip(), prefix)

    def _fit_headings(self, headings: tuple[str, ...]) -> tuple[str, ...]:
        """Keep the innermost headings whose line takes at most half the budget."""
        limit = self._budget // 2
        while headings and self._count(_heading_line(headings)) > limit:
            if len(headings) > 1:
                headings = headings[1:]
                continue
            words = headings[0].split()
            shorter = " ".join(words[: len(words) * 3 // 4])
            headings = (shorter,) if shorter else ()
        return headings

    def _splitter(self, size: int) -> Any:
        splitter = self._splitters.get(size)
        if splitter is None:
            from llama_index.core.node_parser import SentenceSplitter

            overlap = min(self._overlap, size // 4)
            splitter = SentenceSplitter(chunk_size=size, chunk_overlap=overlap, tokenizer=self._tokenize)
            self._splitters[size] = splitter
        return splitter

    def _count(self, text: str) -> int:
        return len(self._tokenize(text)) if text else 0


def _heading_line(headings: Sequence[str]) -> str:
    """The line ``embedding_text`` puts before a chunk's text (empty without headings)."""
    return " > ".join(headings) + "\n" if headings else ""


def _sections(blocks: Sequence[TextBlock]) -> Iterator[_Section]:
    for headings, group in itertools.groupby(blocks, key=lambda block: tuple(block.headings)):
        parts: list[str] = []
        spans: list[tuple[int, int, int | None]] = []
        position = 0
        for block in group:
            if block.text.strip():
                spans.append((position, position + len(block.text), block.page))
                parts.append(block.text)
                position += len(block.text) + 2
        if parts:
            yield _Section(headings, "\n\n".join(parts), spans)


def _locate(text: str, piece: str, cursor: int) -> int | None:
    """Start of ``piece`` in ``text`` at or after ``cursor`` (else anywhere, else by its prefix)."""
    for needle in (piece, piece[:40]):
        start = text.find(needle, cursor)
        if start < 0:
            start = text.find(needle)
        if start >= 0:
            return start
    return None
