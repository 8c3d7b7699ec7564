"""ChromaDB adapter of the ``VectorStore`` port (embedded PersistentClient or HttpClient).

chromadb is imported lazily so that loading this module stays cheap and the domain never sees it.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Any, TypeVar

from ragcore.adapters.chroma_segments import leftover_segment_folders, remove_segment_folder
from ragcore.adapters.chroma_support import check_dimension, parse_url, query_settled, to_chunk, to_metadata, translated
from ragcore.domain.errors import Conflict, Invalid, Unavailable
from ragcore.domain.models import Chunk, SearchHit

_INCLUDE = ["documents", "metadatas"]
_PAGE = 5000  # records per ``get`` when listing a whole collection
T = TypeVar("T")


class ChromaVectorStore:
    """``VectorStore`` on ChromaDB: one Chroma collection per store id, cosine space.

    The collection's dimension is kept in its metadata (``{"dimension": n}``) and checked before
    every write or query, so a mismatch is a Conflict rather than a driver error.
    """

    def __init__(self, client: Any) -> None:
        """``client``: a chromadb ``ClientAPI`` (PersistentClient or HttpClient)."""
        self._client = client
        # Collection handles by store id: a lookup costs a round trip (0.4 ms embedded, more over HTTP)
        # that a search would pay on every query. A handle of a collection dropped (and maybe re-created)
        # elsewhere raises NotFoundError; _on_collection then retries once with a fresh lookup.
        self._handles: dict[str, Any] = {}
        self._handles_lock = threading.Lock()
        self._path: Path | None = None  # an embedded store's folder (its leftover segment folders are ours)

    @classmethod
    def persistent(cls, path: str) -> ChromaVectorStore:
        """An embedded store persisted under directory ``path``; telemetry off, reset disabled."""
        import chromadb
        from chromadb.config import Settings

        settings = Settings(anonymized_telemetry=False, allow_reset=False)
        store = cls(chromadb.PersistentClient(path=path, settings=settings))
        store._path = Path(path)
        return store

    @classmethod
    def http(cls, url: str) -> ChromaVectorStore:
        """A client of the Chroma server at ``url`` ("http://host:port"; https means TLS; the port
        defaults to 8000 for http, 443 for https); telemetry off.

        Raises Invalid "invalid_chroma_url", Unavailable "vector_store_unavailable" when the server
        does not answer its heartbeat (every later call raises the same while it is down).
        """
        import chromadb
        from chromadb.config import Settings

        host, port, ssl = parse_url(url)
        settings = Settings(anonymized_telemetry=False)
        try:
            with translated(""):
                client = chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=settings)
        except ValueError as exc:  # chromadb's "Could not connect to a Chroma server"
            raise Unavailable(
                f"the vector store at {url} cannot be reached", code="vector_store_unavailable"
            ) from exc
        return cls(client)

    def close(self) -> None:
        """Release the client (SQLite handles of an embedded store)."""
        close = getattr(self._client, "close", None)
        if close is not None:
            close()

    def create_collection(self, store_id: str, dimension: int) -> None:
        """Raises Conflict "store_collection_exists", Invalid "invalid_dimension" / "invalid_store_id"."""
        from chromadb.errors import ChromaError, InvalidArgumentError

        if dimension < 1:
            raise Invalid(f"dimension must be positive, not {dimension}", code="invalid_dimension")
        with translated(store_id):
            try:
                self._client.create_collection(
                    store_id,
                    configuration={"hnsw": {"space": "cosine"}},
                    metadata={"dimension": dimension},
                    embedding_function=None,
                )
            except InvalidArgumentError as exc:
                raise Invalid(f"invalid store collection id {store_id!r}", code="invalid_store_id") from exc
            except ChromaError as exc:  # the duplicate error class differs between backends
                if store_id in self.collection_ids():
                    raise Conflict(
                        f"store collection {store_id!r} exists", code="store_collection_exists"
                    ) from exc
                raise

    def drop_collection(self, store_id: str) -> None:
        """Delete the collection with its vectors; no error when absent."""
        from chromadb.errors import NotFoundError

        self._forget(store_id)
        with translated(store_id), contextlib.suppress(NotFoundError):
            self._client.delete_collection(store_id)
        for name in self.leftover_segments():  # chroma leaves the dropped index's folder on disk
            self.remove_leftover_segment(name)

    def leftover_segments(self) -> list[str]:
        """Segment folders of an embedded store that no collection owns; empty for a server."""
        return leftover_segment_folders(self._path) if self._path is not None else []

    def remove_leftover_segment(self, name: str) -> None:
        """Delete leftover segment folder ``name`` (no error when gone or owned again)."""
        if self._path is not None:
            remove_segment_folder(self._path, name)

    def collection_ids(self) -> list[str]:
        """Names of every Chroma collection, sorted."""
        with translated(""):
            return sorted(c.name for c in self._client.list_collections())

    def upsert(self, store_id: str, chunks: Sequence[Chunk], embeddings: Sequence[Sequence[float]]) -> None:
        """Insert or replace by chunk id, in batches of the client's maximum batch size.

        Raises NotFound "store_collection_not_found", Conflict "embedding_dimension_mismatch",
        Invalid "embedding_count_mismatch" (one embedding per chunk).
        """
        if len(chunks) != len(embeddings):
            raise Invalid(
                f"{len(chunks)} chunks but {len(embeddings)} embeddings", code="embedding_count_mismatch"
            )

        def write(collection: Any) -> None:
            check_dimension(embeddings, collection.metadata["dimension"])
            step = self._client.get_max_batch_size()
            for start in range(0, len(chunks), step):
                part = chunks[start : start + step]
                collection.upsert(
                    ids=[c.id for c in part],
                    embeddings=[[float(x) for x in e] for e in embeddings[start : start + step]],
                    documents=[c.text for c in part],
                    metadatas=[to_metadata(c) for c in part],
                )

        with translated(store_id):
            self._on_collection(store_id, write)

    def delete_documents(self, store_id: str, document_ids: Collection[str]) -> None:
        """Remove every vector of the documents (one ``where`` delete, ~1 ms however many); no error
        for a document without vectors or when the collection is gone."""
        from chromadb.errors import NotFoundError

        if not document_ids:
            return
        where = {"document_id": {"$in": sorted(document_ids)}}
        with translated(store_id), contextlib.suppress(NotFoundError):
            self._on_collection(store_id, lambda c: c.delete(where=where))

    def document_ids(self, store_id: str) -> set[str]:
        """Ids of every document with at least one chunk; NotFound "store_collection_not_found"."""

        def read(collection: Any) -> set[str]:
            found: set[str] = set()
            offset = 0
            while True:
                page = collection.get(include=["metadatas"], limit=_PAGE, offset=offset)["metadatas"]
                found.update(str(meta["document_id"]) for meta in page)
                if len(page) < _PAGE:
                    return found
                offset += _PAGE

        with translated(store_id):
            return self._on_collection(store_id, read)

    def count(self, store_id: str, document_id: str | None = None) -> int:
        """Vectors in the collection (or of one document); NotFound "store_collection_not_found"."""
        def read(collection: Any) -> int:
            if document_id is None:
                return collection.count()
            return len(collection.get(where={"document_id": document_id}, include=[])["ids"])

        with translated(store_id):
            return self._on_collection(store_id, read)

    def chunks(self, store_id: str, document_id: str) -> list[Chunk]:
        """The document's chunks ordered by index; NotFound "store_collection_not_found"."""
        with translated(store_id):
            found = self._on_collection(store_id, lambda c: c.get(where={"document_id": document_id}, include=_INCLUDE))
        rows = zip(found["ids"], found["documents"], found["metadatas"], strict=True)
        return sorted((to_chunk(*row) for row in rows), key=lambda c: c.index)

    def query(
        self, store_id: str, embedding: Sequence[float], top_k: int, document_ids: frozenset[str] | None = None
    ) -> list[SearchHit]:
        """Up to ``top_k`` nearest chunks (of ``document_ids`` only, when given), best first,
        score = 1 - cosine distance.

        Raises NotFound "store_collection_not_found", Conflict "embedding_dimension_mismatch",
        Invalid "invalid_top_k" (below 1).
        """
        if top_k < 1:
            raise Invalid(f"top_k must be at least 1, not {top_k}", code="invalid_top_k")
        if document_ids is not None and not document_ids:
            return []
        where = None if document_ids is None else {"document_id": {"$in": sorted(document_ids)}}

        def search(collection: Any) -> Any:
            check_dimension([embedding], collection.metadata["dimension"])
            return query_settled(  # n_results above the collection's size returns what there is
                lambda: collection.query(query_embeddings=[[float(x) for x in embedding]], n_results=top_k,
                                         where=where, include=[*_INCLUDE, "distances"]),
                collection.count,
            )

        with translated(store_id):
            found = self._on_collection(store_id, search)
        rows = zip(
            found["ids"][0], found["documents"][0], found["metadatas"][0], found["distances"][0], strict=True
        )
        return [SearchHit(chunk=to_chunk(i, d, m), score=1.0 - dist) for i, d, m, dist in rows]

    def _on_collection(self, store_id: str, action: Callable[[Any], T]) -> T:
        """``action(collection handle)``; a NotFoundError from a cached handle retries once with a fresh
        lookup, whose own NotFoundError (the collection is gone) propagates."""
        from chromadb.errors import NotFoundError

        with self._handles_lock:
            handle = self._handles.get(store_id)
        if handle is not None:
            try:
                return action(handle)
            except NotFoundError:
                self._forget(store_id)
        # get, never get-or-create: reads must not create collections. No embedding function,
        # or chroma would try to download its default ONNX model.
        handle = self._client.get_collection(store_id, embedding_function=None)
        with self._handles_lock:
            self._handles[store_id] = handle
        return action(handle)

    def _forget(self, store_id: str) -> None:
        with self._handles_lock:
            self._handles.pop(store_id, None)
