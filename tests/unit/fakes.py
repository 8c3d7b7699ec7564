"""Hand-written fakes of the compute ports, for domain unit tests only (stores use adapters.memory*)."""

import hashlib
import math
from datetime import UTC, datetime, timedelta

from ragcore.domain.errors import IngestionFailed, Invalid, Unavailable
from ragcore.domain.models import Chunk, ParsedDocument, TextBlock, chunk_id


class FixedClock:
    def __init__(self, start: datetime = datetime(2026, 1, 1, tzinfo=UTC)) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def advance(self, seconds: float) -> None:
        self.current += timedelta(seconds=seconds)


class FakeParser:
    """Plain UTF-8 text; "\\f" separates pages; b"BROKEN" is unparseable; only .txt/.md are supported."""

    def detect_format(self, data: bytes, filename: str) -> str:
        ext = filename.rsplit(".", 1)[-1].lower()
        if ext not in {"txt", "md"}:
            raise Invalid("only txt and md are supported", code="unsupported_format")
        return ext

    def parse(self, data: bytes, filename: str, *, heartbeat=None) -> ParsedDocument:
        if data.startswith(b"BROKEN"):
            raise IngestionFailed("cannot parse", code="unparseable_document")
        pages = data.decode().split("\f")
        blocks = [
            TextBlock(para.strip(), page, ("Title",))
            for page, text in enumerate(pages, 1)
            for para in text.split("\n\n")
            if para.strip()
        ]
        if not blocks:
            raise IngestionFailed("no text", code="no_extractable_text")
        return ParsedDocument(blocks=blocks, page_count=len(pages))


class FakeChunker:
    """One chunk per block."""

    def chunk(self, parsed: ParsedDocument, *, document_id: str, filename: str) -> list[Chunk]:
        return [
            Chunk(id=chunk_id(document_id, i), document_id=document_id, index=i, text=b.text,
                  pages=(b.page,) if b.page else (), headings=b.headings, filename=filename)
            for i, b in enumerate(parsed.blocks)
        ]


class FakeEmbedder:
    """Bag of hashed words in 16 dims, L2-normalised; counts its calls."""

    model_name = "fake/bag-of-words"
    dimension = 16
    max_seq_length = 64

    def __init__(self) -> None:
        self.calls = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls += 1
        return [self._one(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._one(text)

    def _one(self, text: str) -> list[float]:
        vec = [0.0] * self.dimension
        for word in text.lower().split():
            vec[int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimension] += 1.0
        norm = math.sqrt(sum(v * v for v in vec)) or 1.0
        return [v / norm for v in vec]


class FakeEmbedderRegistry:
    """Backends "torch" (the default) and "onnx-int8", a FakeEmbedder each (same model and space, calls
    counted apart); ``asked`` records every backend ``get`` was called with."""

    def __init__(self, default_backend: str = "torch") -> None:
        self.embedders = {"torch": FakeEmbedder(), "onnx-int8": FakeEmbedder()}
        self.backends = tuple(self.embedders)
        self.default_backend = default_backend
        self.asked: list[str] = []

    def get(self, backend: str) -> FakeEmbedder:
        if backend not in self.embedders:
            raise Invalid(f"no backend {backend!r}", code="unknown_embedding_backend")
        self.asked.append(backend)
        return self.embedders[backend]


class FlakyVectorStore:
    """Wraps a VectorStore; the first ``failures`` upserts raise Unavailable."""

    def __init__(self, inner, failures: int) -> None:
        self._inner = inner
        self.failures = failures

    def upsert(self, store_id, chunks, embeddings) -> None:
        if self.failures > 0:
            self.failures -= 1
            raise Unavailable("vector store is down", code="vector_store_unavailable")
        self._inner.upsert(store_id, chunks, embeddings)

    def __getattr__(self, name):
        return getattr(self._inner, name)


class RecordingJobQueue:
    """Wraps a JobQueue; records every fenced ``save`` as (worker_id, progress, outcome), and its stage."""

    def __init__(self, inner) -> None:
        self._inner = inner
        self.saves: list[tuple[str, int, str]] = []
        self.stages: list[str] = []

    def save(self, job, worker_id: str) -> None:
        self.stages.append(job.stage)
        try:
            self._inner.save(job, worker_id)
        except Exception as exc:
            self.saves.append((worker_id, job.progress, type(exc).__name__))
            raise
        self.saves.append((worker_id, job.progress, "saved"))

    def __getattr__(self, name):
        return getattr(self._inner, name)


class HookedVectorStore:
    """Wraps a VectorStore; ``hook`` (if set) runs once, right after the next successful upsert."""

    def __init__(self, inner) -> None:
        self._inner = inner
        self.hook = None

    def upsert(self, store_id, chunks, embeddings) -> None:
        self._inner.upsert(store_id, chunks, embeddings)
        hook, self.hook = self.hook, None
        if hook is not None:
            hook()

    def __getattr__(self, name):
        return getattr(self._inner, name)


class FlakyKeywordIndex:
    """Wraps a KeywordIndex; the first ``failures`` calls of ``index`` raise Unavailable."""

    def __init__(self, inner, failures: int) -> None:
        self._inner = inner
        self.failures = failures

    def index(self, store_id, chunks) -> None:
        if self.failures > 0:
            self.failures -= 1
            raise Unavailable("the keyword index is down", code="keyword_index_unavailable")
        self._inner.index(store_id, chunks)

    def __getattr__(self, name):
        return getattr(self._inner, name)


class BrokenStore:
    """Wraps a VectorStore or KeywordIndex; every call of a method named in ``broken`` raises
    Unavailable(code=``code``) (and is recorded in ``failed``), the others pass through."""

    def __init__(self, inner, *broken: str, code: str = "store_unavailable") -> None:
        self._inner = inner
        self._broken = set(broken)
        self._code = code
        self.failed: list[str] = []

    def __getattr__(self, name):
        if name in self._broken:
            return lambda *args, **kwargs: self._fail(name)
        return getattr(self._inner, name)

    def _fail(self, name: str):
        self.failed.append(name)
        raise Unavailable(f"{name} failed", code=self._code)


class GuardedEmbedderRegistry:
    """Wraps an EmbedderRegistry; once ``armed``, touching it in any way raises AssertionError (an
    upload must never load a model or call compute)."""

    def __init__(self, inner) -> None:
        self._inner = inner
        self.armed = False

    def __getattr__(self, name):
        if self.armed:
            raise AssertionError(f"the embedder registry was touched ({name})")
        return getattr(self._inner, name)
