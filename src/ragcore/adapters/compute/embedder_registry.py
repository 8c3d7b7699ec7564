"""LazyEmbedderRegistry: the EmbedderRegistry port over one factory per embedding backend.

Backends of the bundled MiniLM: ``torch`` (sentence-transformers), ``onnx`` (ONNX Runtime, fp32) and
``onnx-int8`` (ONNX Runtime, int8 dynamic quantization); the ONNX models are exported locally from the
packaged model into a cache folder, never downloaded (adapters/compute/onnx_embedder.py).
"""

from collections.abc import Callable, Mapping
from pathlib import Path

from ragcore.domain.collections.rules import check_embedding_backend
from ragcore.domain.errors import Unavailable
from ragcore.domain.ports import Embedder


class LazyEmbedderRegistry:
    """``factories``: backend name -> zero-argument callable returning that backend's embedder.

    A factory is called on every ``get`` and nothing is built before: pass factories that return one
    shared instance (container Singletons), so overriding a provider in tests takes effect.
    ``default_backend`` must be one of the factories' names (ValueError otherwise).
    """

    def __init__(self, factories: Mapping[str, Callable[[], Embedder]], default_backend: str = "torch") -> None:
        if default_backend not in factories:
            raise ValueError(f"default embedding backend {default_backend!r} is not one of {', '.join(factories)}")
        self._factories = dict(factories)
        self.backends: tuple[str, ...] = tuple(factories)
        self.default_backend = default_backend

    def get(self, backend: str) -> Embedder:
        """The embedder of ``backend``; Invalid "unknown_embedding_backend" names the allowed values."""
        return self._factories[check_embedding_backend(backend, self.backends)]()


def make_onnx_embedder(*, quantized: bool, batch_size: int, cache_dir: str | Path) -> Embedder:
    """An OnnxEmbedder of the bundled model (``quantized``: int8), exported into ``cache_dir`` on first use.

    onnxruntime is imported only here, when an ONNX backend is first asked for. Raises
    Unavailable(code="embedding_backend_unavailable") if the ONNX adapter cannot be imported.
    """
    try:
        from ragcore.adapters.compute.onnx_embedder import OnnxEmbedder
    except ImportError as exc:
        raise Unavailable(f"the ONNX embedding backend cannot be loaded: {exc}",
                          code="embedding_backend_unavailable") from exc
    return OnnxEmbedder(batch_size=batch_size, quantized=quantized, cache_dir=cache_dir)
