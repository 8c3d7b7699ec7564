"""The web UI's form posts (they work without scripts; every one carries the CSRF token): create a
collection, delete a collection or a document after a confirmation naming what goes, retry a document."""

from typing import Annotated
from urllib.parse import quote

from litestar import Controller, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from ragcore.app.http.deps import JobRecords
from ragcore.app.problems import problem_body
from ragcore.app.web.pages import BACKENDS
from ragcore.domain.collections.service import CollectionService
from ragcore.domain.documents.service import DocumentService
from ragcore.domain.errors import NotFound, RagCoreError
from ragcore.domain.jobs.service import JobService

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


class FormController(Controller):
    include_in_schema = False

    @post("/collections", sync_to_thread=True)
    def create_collection(self, data: Form, collections: CollectionService) -> Redirect | Template:
        """Create from fields ``name``, ``embedding_backend``, ``extract_metadata`` ("on" when checked);
        on a refusal the list again, with the problem's detail and its status."""
        name = data.get("name", "")
        try:
            collections.create(name, embedding_backend=data.get("embedding_backend") or None,
                               extract_metadata=data.get("extract_metadata") == "on")
        except RagCoreError as exc:
            rows = [collections.stats(c.name) for c in collections.list()]
            context = {"rows": rows, "backends": BACKENDS, "problem": exc.message, "name": name}
            return Template("index.html", context=context, status_code=_status(exc))
        return Redirect(f"/collections/{_seg(name)}", status_code=303)

    @get("/collections/{name:str}/delete", sync_to_thread=True)
    def confirm_collection_delete(self, name: str, collections: CollectionService) -> Template:
        stats = collections.stats(name)
        what = (f"collection \u201c{name}\u201d with its {stats.documents} document(s), {stats.chunks} chunk(s) "
                "and every upload and job")
        context = {"what": what, "action": f"/collections/{_seg(name)}/delete", "back": f"/collections/{_seg(name)}"}
        return Template("confirm.html", context=context)

    @post("/collections/{name:str}/delete", sync_to_thread=True)
    def delete_collection(self, name: str, collections: CollectionService) -> Redirect:
        collections.delete(name)
        return Redirect("/", status_code=303)

    @get("/documents/{document_id:str}/delete", sync_to_thread=True)
    def confirm_document_delete(
        self, document_id: str, documents: DocumentService, collections: CollectionService
    ) -> Template:
        document = documents.get(document_id)
        collection = collections.by_id(document.collection_id)
        what = (f"document \u201c{document.filename}\u201d and its {document.chunk_count} chunk(s) from "
                f"collection \u201c{collection.name}\u201d")
        context = {"what": what, "action": f"/documents/{document_id}/delete",
                   "back": f"/collections/{_seg(collection.name)}"}
        return Template("confirm.html", context=context)

    @post("/documents/{document_id:str}/delete", sync_to_thread=True)
    def delete_document(self, document_id: str, documents: DocumentService, collections: CollectionService) -> Redirect:
        document = documents.get(document_id)
        name = collections.by_id(document.collection_id).name
        documents.delete(document_id)
        return Redirect(f"/collections/{_seg(name)}", status_code=303)

    @post("/documents/{document_id:str}/retry", sync_to_thread=True)
    def retry_document(
        self, document_id: str, documents: DocumentService, collections: CollectionService, jobs: JobService,
        job_records: JobRecords,
    ) -> Redirect:
        """Queue the document's latest failed or cancelled job again (409 "job_not_retryable" otherwise)."""
        document = documents.get(document_id)
        job = job_records.latest_for_document(document_id)
        if job is None:
            raise NotFound(f"document {document.filename!r} has no job to retry", code="job_not_found")
        jobs.retry(job.id)
        return Redirect(f"/collections/{_seg(collections.by_id(document.collection_id).name)}", status_code=303)


def _status(exc: RagCoreError) -> int:
    return int(problem_body(exc)["status"])


def _seg(name: str) -> str:
    """``name`` as one URL path segment (a collection name may hold spaces, slashes, ...)."""
    return quote(name, safe="")
