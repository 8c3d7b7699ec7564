"""Rules every collection obeys: valid display names, and the embedding model and backend it pins."""

from __future__ import annotations

import unicodedata

from ragcore.domain.errors import Conflict, Invalid
from ragcore.domain.models import Collection
from ragcore.domain.ports import Embedder, EmbedderRegistry

MAX_NAME_LENGTH = 128


def validate_name(name: str) -> str:
    """Return ``name`` if it is a valid display name, else raise Invalid(code="invalid_collection_name").

    Rule: 1-128 printable Unicode characters, no leading/trailing whitespace, no "/".
    """
    rule = (
        "collection name must be 1-128 printable Unicode characters, "
        "without leading or trailing whitespace and without '/'"
    )
    ok = (
        0 < len(name) <= MAX_NAME_LENGTH
        and name.isprintable()
        and name == name.strip()
        and "/" not in name
        and name not in {".", ".."}
        and not any(unicodedata.category(c) in {"Cs", "Co", "Cn"} for c in name)
    )
    if not ok:
        raise Invalid(rule, code="invalid_collection_name")
    return name


def check_embedding_backend(backend: str, allowed: tuple[str, ...]) -> str:
    """Return ``backend`` if it is one of ``allowed``, else raise Invalid(code="unknown_embedding_backend")."""
    if backend not in allowed:
        raise Invalid(f"embedding_backend must be one of {', '.join(allowed)}, not {backend!r}",
                      code="unknown_embedding_backend")
    return backend


def check_pinned_model(collection: Collection, embedders: EmbedderRegistry) -> Embedder:
    """The embedder of the collection's pinned backend, once it is known to embed with the pinned model.

    Raises Conflict "embedding_backend_mismatch" (this deployment lacks the pinned backend) or
    "embedding_dimension_mismatch" (the backend's model or dimension differs from the pinned one).
    """
    if collection.embedding_backend not in embedders.backends:
        raise Conflict(
            f"collection {collection.name!r} pins the embedding backend {collection.embedding_backend!r}; "
            f"this deployment has {', '.join(embedders.backends)}",
            code="embedding_backend_mismatch",
        )
    embedder = embedders.get(collection.embedding_backend)
    if (collection.embedding_model, collection.embedding_dimension) != (
        embedder.model_name,
        embedder.dimension,
    ):
        raise Conflict(
            f"collection {collection.name!r} pins {collection.embedding_model} "
            f"({collection.embedding_dimension} dims); its backend {collection.embedding_backend!r} embeds "
            f"with {embedder.model_name} ({embedder.dimension} dims)",
            code="embedding_dimension_mismatch",
        )
    return embedder
