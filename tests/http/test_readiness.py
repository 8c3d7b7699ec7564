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
