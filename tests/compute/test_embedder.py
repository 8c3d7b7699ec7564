"""The in-process embedders (sentence-transformers, ONNX Runtime fp32 and int8) with the real bundled
all-MiniLM-L6-v2 model: what they offer beyond the Embedder port (tokenizer, loading errors). Their
vectors are checked by the Embedder contract (tests/contract/test_compute.py) and, on 1,000 chunks,
by test_onnx_agreement.py; the ONNX export cache by test_onnx_cache.py."""

import threading

import pytest

from ragcore.adapters.compute.onnx_embedder import OnnxEmbedder
from ragcore.adapters.compute.sentence_embedder import SentenceTransformerEmbedder
from ragcore.domain.errors import Unavailable


@pytest.fixture(scope="module", params=["torch", "onnx", "onnx-int8"])
def local_embedder(request, embedder):
    return embedder if request.param == "torch" else request.getfixturevalue("onnx_embedders")[request.param]


def test_tokens_are_counted_without_special_tokens_or_truncation(local_embedder) -> None:
    assert local_embedder.tokenize("Hello world") == [7592, 2088]
    assert local_embedder.count_tokens("Hello world") == 2
    assert local_embedder.count_tokens("duck " * 1000) == 1000  # longer than the model reads
    assert local_embedder.count_tokens("") == 0


def test_every_backend_tokenizes_like_the_torch_model(local_embedder, embedder) -> None:
    texts = ["Ünïcödé café — naïve 中文 text", "  spaces\tand\nnewlines  ", "UPPER lower 12,345.67 e-mail@x.org"]
    assert [local_embedder.tokenize(t) for t in texts] == [embedder.tokenize(t) for t in texts]


def test_tokenizing_from_many_threads_is_consistent(local_embedder) -> None:
    texts = [f"sentence number {i} about ducks" for i in range(300)]
    expected = [local_embedder.count_tokens(text) for text in texts]
    results: list[list[int]] = []

    def count() -> None:
        results.append([local_embedder.count_tokens(text) for text in texts])

    threads = [threading.Thread(target=count) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 4


def test_embedding_from_many_threads_gives_the_single_thread_vectors(local_embedder) -> None:
    texts = [f"sentence number {i} about ducks" for i in range(40)]
    expected = local_embedder.embed_documents(texts)
    results: list[list[list[float]]] = []
    threads = [threading.Thread(target=lambda: results.append(local_embedder.embed_documents(texts)))
               for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 3


@pytest.mark.parametrize("make", [
    SentenceTransformerEmbedder, OnnxEmbedder, lambda path: OnnxEmbedder(path, quantized=True),
], ids=["torch", "onnx", "onnx-int8"])
def test_a_missing_model_folder_is_unavailable_without_trying_the_hub(make, tmp_path) -> None:
    embedder = make(str(tmp_path / "my-model"))  # not loaded: the name needs no model
    assert embedder.model_name == "my-model"
    with pytest.raises(Unavailable) as caught:
        embedder.embed_query("hello")
    assert caught.value.code == "embedding_model_unavailable"
    assert "not found" in caught.value.message


def test_the_onnx_backends_are_named_after_their_precision(tmp_path) -> None:
    assert OnnxEmbedder(cache_dir=tmp_path).backend == "onnx"
    assert OnnxEmbedder(quantized=True, cache_dir=tmp_path).backend == "onnx-int8"
    assert OnnxEmbedder(model_name="mini", cache_dir=tmp_path).model_name == "mini"
    assert SentenceTransformerEmbedder.backend == "torch"
    assert not list(tmp_path.iterdir())  # nothing is exported before the first use
