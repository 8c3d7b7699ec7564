"""Documents: upload, list, read and delete; the user metadata of an upload."""

from ragcore.domain.documents.service import Accepted, DocumentService

__all__ = ["Accepted", "DocumentService"]
