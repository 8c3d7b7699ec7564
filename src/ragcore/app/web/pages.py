"""The web UI's pages (server-rendered; scripts only enhance them): collections, a collection's
documents, a document's chunks, search, ask. They call the same domain services as /api/v1."""

from typing import Annotated

from litestar import Controller, get
from litestar.params import Parameter
from litestar.response import Template

from ragcore.app.http.deps import JobRecords
from ragcore.app.problems import problem_body
from ragcore.app.schemas.search import decode_filters
from ragcore.domain.collections.service import CollectionService
from ragcore.domain.documents.service import DocumentService
from ragcore.domain.errors import RagCoreError
from ragcore.domain.search.service import SearchService

BACKENDS = ("torch", "onnx", "onnx-int8")
MODES = ("hybrid", "dense", "keyword")


class PageController(Controller):
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def collections_page(self, collections: CollectionService) -> Template:
        """Every collection with its document, chunk and byte counts, and the create form."""
        rows = [collections.stats(c.name) for c in collections.list()]
        return Template("index.html", context={"rows": rows, "backends": BACKENDS})

    @get("/collections/{name:str}", sync_to_thread=True)
    def collection_page(
        self, name: str, collections: CollectionService, documents: DocumentService, job_records: JobRecords
    ) -> Template:
        """The collection's documents (status, size, pages, chunks, error, retry) and the upload area."""
        stats = collections.stats(name)
        rows = [(d, job_records.latest_for_document(d.id)) for d in documents.list(collection_name=name)]
        return Template("collection.html", context={"stats": stats, "rows": rows, "tab": "documents"})

    @get("/documents/{document_id:str}", sync_to_thread=True)
    def document_page(self, document_id: str, collections: CollectionService, documents: DocumentService) -> Template:
        """A document's chunks with their pages and headings; the original's download link while kept."""
        document = documents.get(document_id)
        collection = collections.by_id(document.collection_id)
        context = {"document": document, "collection": collection, "chunks": documents.chunks(document_id)}
        return Template("document.html", context=context)

    @get("/collections/{name:str}/search", sync_to_thread=True)
    def search_page(
        self, name: str, collections: CollectionService, documents: DocumentService, search_service: SearchService,
        q: str = "", mode: str = "hybrid", filters: str = "",
        top_k: Annotated[int, Parameter(query="top_k")] = 5,
    ) -> Template:
        """The search form; with ``q``, its hits (filename, pages, headings, score, terms highlighted)."""
        stats = collections.stats(name)
        context = {"stats": stats, "tab": "search", "q": q, "mode": mode, "top_k": top_k, "filters": filters,
                   "modes": MODES, "hits": None, "problem": None, "pending": _pending(documents, name)}
        if q.strip():
            try:
                context["hits"] = search_service.search(
                    name, q, top_k, mode=mode, filters=decode_filters(filters.strip() or None))
            except RagCoreError as exc:
                context["problem"] = exc.message
                return Template("search.html", context=context, status_code=problem_body(exc)["status"])
        return Template("search.html", context=context)

    @get("/collections/{name:str}/ask", sync_to_thread=True)
    def ask_page(self, name: str, collections: CollectionService, documents: DocumentService) -> Template:
        """The question form; the answer streams in through /ui/api/v1/answers (static/ask.js)."""
        context = {"stats": collections.stats(name), "tab": "ask", "pending": _pending(documents, name)}
        return Template("ask.html", context=context)


def _pending(documents: DocumentService, name: str) -> int:
    """How many of the collection's documents are still queued or processing."""
    return sum(len(documents.list(collection_name=name, status=s)) for s in ("queued", "processing"))
