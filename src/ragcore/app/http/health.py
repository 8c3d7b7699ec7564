"""Readiness: one cheap round trip to each configured adapter."""

from collections.abc import Callable

from ragcore.adapters.compute.tesseract_ocr import INSTALL_HINT
from ragcore.app.container import Container
from ragcore.domain.ports import Embedder


def _checks(container: Container) -> dict[str, Callable[[], object]]:
    stores = container.stores
    return {
        "catalog": lambda: stores.catalog().list(),
        "registry": lambda: stores.documents().get("readiness-probe"),
        "jobs": lambda: stores.jobs().get("readiness-probe"),
        "vector_store": lambda: stores.vectors().collection_ids(),
        "blob_store": lambda: stores.blobs().exists("0" * 32),
        "embedder": lambda: _default_embedder(container).dimension,
    }


def _default_embedder(container: Container) -> Embedder:
    """The embedder of new collections' backend (RAGCORE_EMBEDDING_BACKEND): probing torch instead
    would load a model an ONNX deployment never uses."""
    registry = container.compute.embedders()
    return registry.get(registry.default_backend)


def check_ready(container: Container) -> dict[str, str]:
    """``{adapter: "ok" | "error: <type>: <message>"}`` for every adapter."""
    results = {}
    for name, probe in _checks(container).items():
        try:
            probe()
            results[name] = "ok"
        except Exception as exc:  # readiness reports, it never raises
            results[name] = f"error: {type(exc).__name__}: {exc}"
    return results


def ocr_status(container: Container) -> str:
    """"available" when PDF pages without a text layer can be read here, else "unavailable: <what to
    install>"; "unknown: ..." when parsing runs on the compute service. OCR is optional: a scan then
    fails with no_extractable_text, the service stays ready."""
    probe = getattr(container.compute.parser(), "ocr_available", None)
    if probe is None:
        return "unknown: documents are parsed by the compute service"
    return "available" if probe() else f"unavailable: {INSTALL_HINT}"
