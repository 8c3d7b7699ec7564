"""SentenceTransformerEmbedder with the real bundled all-MiniLM-L6-v2 model (no mocks, no download)."""

import math
import threading

import pytest

from ragcore.adapters.compute.sentence_embedder import BUNDLED_MODEL_NAME, SentenceTransformerEmbedder
from ragcore.domain.errors import Unavailable


def _cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))  # both are unit vectors


def test_model_facts_are_read_from_the_model(embedder) -> None:
    assert embedder.model_name == BUNDLED_MODEL_NAME == "sentence-transformers/all-MiniLM-L6-v2"
    assert embedder.dimension == 384
    assert embedder.max_seq_length == 256


def test_vectors_are_unit_length_float_lists(embedder) -> None:
    vectors = embedder.embed_documents(["Ducks are water birds.", "", "x " * 2000])
    assert len(vectors) == 3
    for vector in vectors:
        assert len(vector) == 384
        assert all(isinstance(value, float) for value in vector)
        assert math.isclose(math.sqrt(sum(v * v for v in vector)), 1.0, abs_tol=1e-4)
    assert embedder.embed_documents([]) == []


def test_a_paraphrase_scores_higher_than_an_unrelated_sentence(embedder) -> None:
    query = embedder.embed_query("How do I reset my password?")
    paraphrase, unrelated = embedder.embed_documents(
        ["Steps to change a forgotten account password", "Ducks migrate south in winter"]
    )
    assert _cosine(query, paraphrase) > _cosine(query, unrelated) + 0.2


def test_query_and_document_embeddings_agree_for_a_symmetric_model(embedder) -> None:
    text = "The typewriter was patented in 1868."
    assert _cosine(embedder.embed_query(text), embedder.embed_documents([text])[0]) > 0.999


def test_tokens_are_counted_without_special_tokens_or_truncation(embedder) -> None:
    assert embedder.tokenize("Hello world") == [7592, 2088]
    assert embedder.count_tokens("Hello world") == 2
    assert embedder.count_tokens("duck " * 1000) == 1000  # longer than the model reads
    assert embedder.count_tokens("") == 0


def test_tokenizing_from_many_threads_is_consistent(embedder) -> None:
    texts = [f"sentence number {i} about ducks" for i in range(300)]
    expected = [embedder.count_tokens(text) for text in texts]
    results: list[list[int]] = []

    def count() -> None:
        results.append([embedder.count_tokens(text) for text in texts])

    threads = [threading.Thread(target=count) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 4


def test_a_custom_model_folder_is_named_after_the_folder() -> None:
    embedder = SentenceTransformerEmbedder("/models/my-model")  # not loaded: the name needs no model
    assert embedder.model_name == "my-model"
    with pytest.raises(Unavailable) as caught:  # loading a missing folder never tries the hub
        embedder.embed_query("hello")
    assert caught.value.code == "embedding_model_unavailable"
