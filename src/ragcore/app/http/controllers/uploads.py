"""POST /api/v1/collections/{name}/documents: multipart upload of files into a collection."""

import json
from functools import partial
from typing import Annotated

import anyio.to_thread
from litestar import Controller, Request, post
from litestar.params import Parameter
from litestar.status_codes import HTTP_202_ACCEPTED

from ragcore.app.http.auth.access import HttpAccess
from ragcore.app.http.auth.guards import rate_limited
from ragcore.app.http.multipart_form import FormParts, read_form
from ragcore.app.schemas.documents import UploadItem, UploadOut
from ragcore.domain.documents.service import DocumentService
from ragcore.domain.errors import Invalid


class UploadController(Controller):
    path = "/api/v1/collections"
    tags = ["documents"]

    @post("/{name:str}/documents", status_code=HTTP_202_ACCEPTED, guards=[rate_limited("upload")])
    async def upload(
        self,
        name: str,
        request: Request,
        documents: DocumentService,
        access: HttpAccess,
        priority: Annotated[int, Parameter(ge=-100, le=100)] = 0,
    ) -> UploadOut:
        """Upload one or more files (multipart/form-data, any field name); each gets a document and a job.

        ``priority`` (query, -100..100): higher runs first. No file parts: 422 "no_files". A text field
        ``metadata`` may hold a JSON object of flat key -> string/number/boolean, the user metadata of
        every uploaded document (422 "invalid_metadata" otherwise).
        """
        await access.collection_async(name, "write")  # 404/403 before the body is read
        form = await read_form(request)  # file names also from RFC 2231 filename*=UTF-8''...
        metadata = _metadata(form)
        upload = partial(documents.upload, name, form.files, priority=priority, metadata=metadata)
        accepted = await anyio.to_thread.run_sync(upload)
        ids = " ".join(a.document.id for a in accepted if not a.duplicate)
        await anyio.to_thread.run_sync(partial(access.audit, "document.create", f"collection:{name}", ids))
        return UploadOut(items=[UploadItem.of(a) for a in accepted])


def _metadata(form: FormParts) -> object:
    """The decoded ``metadata`` text field (None when absent); Invalid "invalid_metadata" if it is a
    file, not JSON, or JSON nested too deeply to decode."""
    if "metadata" in form.file_fields:
        raise Invalid("the metadata field must be a text field holding a JSON object", code="invalid_metadata")
    field = form.fields.get("metadata")
    if field is None:
        return None
    try:
        return json.loads(field)
    except (ValueError, RecursionError) as exc:
        raise Invalid("metadata must be a JSON object of key -> string, number or boolean",
                      code="invalid_metadata") from exc
