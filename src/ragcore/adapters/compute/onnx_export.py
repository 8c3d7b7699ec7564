"""Local ONNX export of a sentence-transformers BERT folder, cached on disk; nothing is downloaded.

``exported_model(model_dir, quantized, cache_dir)`` returns the path of ``model.onnx``: the folder's
transformer (``torch.onnx.export``, opset 17, eager attention, dynamic batch and sequence axes; inputs
``input_ids``, ``attention_mask``, ``token_type_ids`` int64 (batch, sequence); output
``last_hidden_state`` float32 (batch, sequence, hidden)), fused by onnxruntime's transformer optimizer,
and for ``quantized`` dynamically quantized to int8 with per-channel weights. Pooling and
normalisation are not in the graph (the embedder does them).

The cache folder is keyed by the weights file's sha256, the backend, and the onnxruntime and torch
versions; it is written to a temporary folder and renamed into place under a file lock, so concurrent
processes never see a half-written model and export it only once.
"""

import hashlib
import importlib.metadata
import json
import logging
import os
import shutil
import tempfile
import warnings
from pathlib import Path

from ragcore.domain.errors import Unavailable

_UNAVAILABLE = "embedding_model_unavailable"
_RECIPE = "1"  # bump when the export steps change, so old caches are not reused
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
_WEIGHTS = ("model.safetensors", "pytorch_model.bin")
MODEL_FILE = "model.onnx"


def exported_model(model_dir: Path, *, quantized: bool, cache_dir: Path) -> Path:
    """Path of the cached ONNX model of ``model_dir``, exported first if absent (tens of seconds).

    Raises Unavailable(code="embedding_model_unavailable") when the folder has no weights or the
    export fails.
    """
    backend = "onnx-int8" if quantized else "onnx"
    target = cache_dir / f"{model_dir.name}-{backend}-{_cache_key(model_dir, backend)}"
    if (target / MODEL_FILE).is_file():
        return target / MODEL_FILE
    from filelock import FileLock

    cache_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target) + ".lock"):
        if not (target / MODEL_FILE).is_file():  # another process may have finished it meanwhile
            source = exported_model(model_dir, quantized=False, cache_dir=cache_dir) if quantized else None
            _build_atomically(model_dir, source, target)
    return target / MODEL_FILE


def _build_atomically(model_dir: Path, fp32_model: Path | None, target: Path) -> None:
    work = Path(tempfile.mkdtemp(prefix=".export-", dir=target.parent))
    try:
        if fp32_model is None:
            _export_fused(model_dir, work)
        else:
            _quantize(fp32_model, work / MODEL_FILE)
        work.chmod(0o755)  # mkdtemp makes it private; the cache may be shared by several users
        (work / "export.json").write_text(json.dumps(_versions() | {"model_dir": str(model_dir)}))
        shutil.rmtree(target, ignore_errors=True)  # only if its model.onnx was removed: replace needs it gone
        os.replace(work, target)
    except Exception as exc:
        raise Unavailable(f"ONNX export of {str(model_dir)!r} failed: {exc}", code=_UNAVAILABLE) from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _export_fused(model_dir: Path, work: Path) -> None:
    raw = work / "raw.onnx"
    _export(model_dir, raw)
    config = json.loads((model_dir / "config.json").read_text())
    from onnxruntime.transformers.optimizer import optimize_model

    optimized = optimize_model(
        str(raw), model_type="bert", num_heads=config["num_attention_heads"], hidden_size=config["hidden_size"]
    )
    optimized.save_model_to_file(str(work / MODEL_FILE))
    raw.unlink()


def _export(model_dir: Path, path: Path) -> None:
    import torch
    from transformers import AutoModel

    # Eager attention: the SDPA path exports to a graph the optimizer cannot fuse into Attention nodes.
    model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager", local_files_only=True).eval()

    class LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.model(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    example = torch.ones(2, 8, dtype=torch.long)
    axes = {name: {0: "batch", 1: "sequence"} for name in (*_INPUTS, "last_hidden_state")}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # tracer warnings about shape-dependent Python branches
        # The TorchScript exporter (dynamo=False) needs no onnxscript and exports this model exactly.
        torch.onnx.export(LastHiddenState(), (example, example, torch.zeros_like(example)), str(path),
                          input_names=list(_INPUTS), output_names=["last_hidden_state"], dynamic_axes=axes,
                          opset_version=17, dynamo=False)


def _quantize(source: Path, path: Path) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # Per-channel weights: per-tensor QInt8 drops the mean cosine to fp32 to ~0.94 on this model.
    # DefaultTensorType: shape inference cannot type the outputs of the fused (com.microsoft) nodes.
    root = logging.getLogger()
    root.addFilter(_hide_preprocessing_hint)
    try:
        quantize_dynamic(str(source), str(path), per_channel=True, weight_type=QuantType.QInt8,
                         extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
    finally:
        root.removeFilter(_hide_preprocessing_hint)


def _hide_preprocessing_hint(record: logging.LogRecord) -> bool:
    # quantize_dynamic logs "Please consider to run pre-processing" on the root logger: its shape
    # inference pre-pass targets CNNs and is not needed here (the graph was optimized already).
    return "pre-processing before quantization" not in record.getMessage()


def _cache_key(model_dir: Path, backend: str) -> str:
    weights = next((model_dir / name for name in _WEIGHTS if (model_dir / name).is_file()), None)
    if weights is None:
        raise Unavailable(f"no weights file ({', '.join(_WEIGHTS)}) in {str(model_dir)!r}", code=_UNAVAILABLE)
    digest = hashlib.sha256()
    with weights.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    digest.update(json.dumps([backend, _versions()], sort_keys=True).encode())
    return digest.hexdigest()[:16]


def _versions() -> dict[str, str]:
    return {name: importlib.metadata.version(name) for name in ("onnxruntime", "torch")} | {"recipe": _RECIPE}
