"""The optional metadata stage of ingestion: collections with ``extract_metadata`` store ``extracted``."""

import pytest

from ragcore.domain.errors import Unavailable
from ragcore.domain.ingestion.document_text import document_text
from ragcore.domain.ingestion.service import IngestionService
from ragcore.domain.jobs.service import JobService
from ragcore.domain.models import DocumentMetadata, ParsedDocument, TextBlock
from tests.unit.conftest import build

FOUND = DocumentMetadata(title="Fruit", summary="About apples.", keywords=("apples", "pears"))


class RecordingExtractor:
    def __init__(self, fail: bool = False) -> None:
        self.calls: list[tuple[str, str]] = []
        self.fail = fail

    def extract(self, text: str, *, filename: str) -> DocumentMetadata:
        self.calls.append((text, filename))
        if self.fail:
            raise Unavailable("compute is down", code="compute_unavailable")
        return FOUND


@pytest.fixture
def rag():
    s = build()
    s.extractor = RecordingExtractor()
    s.ingestion = IngestionService(
        collections=s.collection_service, documents=s.documents, blobs=s.blobs, chunks=s.chunks,
        parser=s.parser, chunker=s.chunker, clock=s.clock,
        metadata=s.extractor,
    )
    s.job_service = JobService(queue=s.jobs, handler=s.ingestion, clock=s.clock, lease_seconds=30)
    return s


def ingest(rag, collection: str, data: bytes):
    [accepted] = rag.document_service.upload(collection, [("fruit.md", data)])
    stages = []
    job = rag.jobs.lease("w1", 30)
    try:
        rag.ingestion.process(job.document_id, lambda percent, stage: stages.append((percent, stage)))
    finally:
        document = rag.documents.get(accepted.document.id)
    return document, stages


def test_a_collection_with_extract_metadata_stores_the_extracted_metadata(rag):
    created = rag.collection_service.create("docs", extract_metadata=True)
    assert rag.catalog.get(created.id).extract_metadata is True
    document, stages = ingest(rag, "docs", b"apples\n\npears")
    assert (document.status, document.extracted) == ("ready", FOUND)
    assert rag.extractor.calls == [("# Title\n\napples\n\npears", "fruit.md")]  # FakeParser's heading
    assert (35, "extracting metadata") in stages
    assert [p for p, _ in stages] == sorted(p for p, _ in stages)


def test_collections_without_it_skip_the_stage(rag):
    assert rag.collection_service.create("docs").extract_metadata is False
    document, stages = ingest(rag, "docs", b"apples")
    assert (document.status, document.extracted, rag.extractor.calls) == ("ready", None, [])
    assert all(stage != "extracting metadata" for _, stage in stages)


def test_an_unavailable_extractor_is_transient_and_leaves_no_chunks(rag):
    rag.extractor.fail = True
    collection = rag.collection_service.create("docs", extract_metadata=True)
    with pytest.raises(Unavailable):
        ingest(rag, "docs", b"apples")
    [document] = rag.documents.list()
    assert (document.status, document.extracted) == ("processing", None)
    assert rag.vectors.count(collection.store_id) == 0


def test_the_extractor_reads_the_heading_paths_as_markdown_headings():
    blocks = [TextBlock("Intro", 1), TextBlock("a", 1, ("Guide",)), TextBlock("b", 1, ("Guide", "Setup")),
              TextBlock("c", 2, ("Guide", "Setup")), TextBlock("Usage", 2, ("Guide", "Usage")),
              TextBlock("d", 3, ("Other",))]
    assert document_text(ParsedDocument(blocks=blocks)) == (
        "Intro\n\n# Guide\n\na\n\n## Setup\n\nb\n\nc\n\n## Usage\n\n# Other\n\nd")
