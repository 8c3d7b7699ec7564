"""GET /ready probes the embedder of the default backend, not always torch."""

from dependency_injector import providers

from ragcore.app.http.health import check_ready
from ragcore.domain.errors import Unavailable
from tests.http.conftest import make_container


def _broken() -> object:
    raise Unavailable("torch model folder not found", code="embedding_model_unavailable")


def test_ready_probes_the_default_backends_embedder_only(tmp_path, embedder, parser):
    container = make_container(tmp_path / "data", embedder, parser, embedding_backend="onnx-int8")
    container.compute.embedder.override(providers.Callable(_broken))  # torch would fail if it were probed
    container.compute.onnx_int8_embedder.override(providers.Object(embedder))  # a loaded model stands in
    assert check_ready(container)["embedder"] == "ok"


def test_ready_reports_a_broken_default_embedder(tmp_path, embedder, parser):
    container = make_container(tmp_path / "data", embedder, parser)
    container.compute.embedder.override(providers.Callable(_broken))
    assert check_ready(container)["embedder"] == "error: Unavailable: torch model folder not found"


def test_ready_reports_ocr_availability(tmp_path, embedder, parser):
    from ragcore.adapters.compute.docling_parser import DoclingParser
    from ragcore.adapters.compute.tesseract_ocr import TesseractOcr
    from ragcore.app.http.health import ocr_status

    container = make_container(tmp_path / "data", embedder, parser)
    assert ocr_status(container) == "available"
    container.compute.parser.override(providers.Object(DoclingParser(ocr=TesseractOcr(command="/nonexistent/tesseract"))))
    assert ocr_status(container) == (
        "unavailable: install the Debian packages tesseract-ocr, tesseract-ocr-eng and tesseract-ocr-osd"
    )
