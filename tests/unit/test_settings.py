"""Settings grouped by concern, read from the same flat ``RAGCORE_*`` variables and YAML keys as ever;
each enumeration and default defined once and handed to the adapters by the container."""

from typing import get_args

import pytest
from dependency_injector import providers
from pydantic import ValidationError

from ragcore.adapters.compute.remote import HttpChunker
from ragcore.adapters.memory_keywords import MemoryKeywordIndex
from ragcore.adapters.sql.keywords import SqlKeywordIndex
from ragcore.app.container import build_container
from ragcore.app.settings import EmbeddingSettings, SearchSettings, Settings, StorageSettings
from ragcore.domain.models import EMBEDDING_BACKENDS
from ragcore.domain.search.service import SEARCH_MODES

ENV = {
    "RAGCORE_DATA_DIR": "/srv/rc", "RAGCORE_DATABASE_URL": "mysql://root@db/rc", "RAGCORE_REGISTRY": "redis",
    "RAGCORE_JOBS": "redis", "RAGCORE_LEASE_SECONDS": "30", "RAGCORE_WORKER_BATCH_DOCUMENTS": "8",
    "RAGCORE_COMPUTE": "remote", "RAGCORE_COMPUTE_URLS": " http://a:8100/, http://b:8100 ,",
    "RAGCORE_EMBEDDING_BACKEND": "onnx-int8", "RAGCORE_CHUNK_OVERLAP": "16", "RAGCORE_BM25_K1": "1.2",
    "RAGCORE_SEARCH_MODE": "dense", "RAGCORE_LLM_MODEL": "qwen", "RAGCORE_PORT": "9000",
    "RAGCORE_ACCESS_LOG": "true", "RAGCORE_MAX_UPLOAD_BYTES": "10",
}


@pytest.fixture
def env(monkeypatch):
    for name in ("RAGCORE_CONFIG", *ENV):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_the_old_variable_names_land_in_their_groups(env) -> None:
    for name, value in ENV.items():
        env.setenv(name, value)
    s = Settings()
    assert (str(s.storage.data_dir), s.storage.sql_url, s.storage.registry) == (
        "/srv/rc", "mysql://root@db/rc", "redis")
    assert (s.queue.jobs, s.queue.lease_seconds, s.queue.worker_batch_documents) == ("redis", 30.0, 8)
    assert (s.compute.compute, s.compute.compute_urls) == ("remote", ["http://a:8100/", "http://b:8100"])
    assert (s.embedding.embedding_backend, s.embedding.chunk_overlap, s.embedding.chunk_size) == ("onnx-int8", 16, 254)
    assert (s.search.bm25_k1, s.search.bm25_b, s.search.search_mode) == (1.2, 0.6, "dense")
    assert (s.llm.llm_model, s.server.port, s.server.access_log, s.server.max_upload_bytes) == ("qwen", 9000, True, 10)
    assert str(s.embedding.model_cache_dir) == "/srv/rc/models"  # default: in the data dir


def test_the_yaml_file_is_read_below_the_environment_and_the_arguments(env, tmp_path) -> None:
    config = tmp_path / "ragcore.yaml"
    config.write_text("vector_store: chroma-http\ncompute: remote\ncompute_urls: [http://c:8100]\nbm25_b: 0.3\n"
                      "bm25_k1: 1.1\nworker_batch_documents: 4\nllm: none\nhost: 0.0.0.0\n")
    env.setenv("RAGCORE_CONFIG", str(config))
    env.setenv("RAGCORE_BM25_B", "0.4")
    s = Settings(bm25_k1=1.5)
    assert (s.storage.vector_store, s.compute.compute_urls, s.queue.worker_batch_documents) == (
        "chroma-http", ["http://c:8100"], 4)
    assert (s.search.bm25_k1, s.search.bm25_b, s.llm.llm, s.server.host) == (1.5, 0.4, "none", "0.0.0.0")


def test_a_name_that_is_no_setting_and_a_bad_value_are_refused(env) -> None:
    with pytest.raises(TypeError) as caught:
        Settings(bm25_k=1.0, data_dirs="x")
    assert str(caught.value) == "not a setting: bm25_k, data_dirs"
    env.setenv("RAGCORE_EMBEDDING_BACKEND", "cuda")
    with pytest.raises(ValidationError, match="'torch', 'onnx' or 'onnx-int8'"):
        Settings()


def test_each_enumeration_is_the_domains_or_the_containers_own() -> None:
    assert get_args(EmbeddingSettings.model_fields["embedding_backend"].annotation) == EMBEDDING_BACKENDS
    assert get_args(SearchSettings.model_fields["search_mode"].annotation) == SEARCH_MODES
    container = build_container(Settings())
    selectors = {  # every backend a setting allows has an adapter in the container, and no other
        "catalog": container.stores.catalog, "registry": container.stores.documents,
        "vector_store": container.stores.vectors, "blob_store": container.stores.blobs,
        "keyword_index": container.stores.keywords,
    }
    for field, selector in selectors.items():
        assert set(selector.providers) == set(get_args(StorageSettings.model_fields[field].annotation)), field
    assert set(container.stores.search_cache.providers) == set(
        get_args(SearchSettings.model_fields["search_cache"].annotation))


def test_the_container_hands_the_settings_to_the_adapters_through_one_path(tmp_path) -> None:
    settings = Settings(data_dir=tmp_path, keyword_index="memory", bm25_k1=1.3, bm25_b=0.2, compute="remote",
                        compute_urls=["http://a:8100"], chunk_size=128, chunk_overlap=8)
    container = build_container(settings)
    assert container.settings() is settings
    assert not [p for p in container.traverse() if isinstance(p, providers.Configuration)]
    keywords = container.stores.keywords()
    assert isinstance(keywords, MemoryKeywordIndex) and (keywords._k1, keywords._b) == (1.3, 0.2)
    sql = build_container(Settings(data_dir=tmp_path, bm25_k1=1.3, bm25_b=0.2)).stores.keywords()
    assert isinstance(sql, SqlKeywordIndex) and tuple(sql._parameters) == (1.3, 0.2)
    chunker = container.compute.chunker()
    assert isinstance(chunker, HttpChunker) and (chunker._size, chunker._overlap) == (128, 8)
