"""OnnxModel: one loaded ONNX sentence-embedding model (session + tokenizers) of a local folder.

Reproduces the sentence-transformers pipeline of a Transformer -> mean Pooling -> Normalize folder:
the folder's tokenizer.json (truncation at max_seq_length, padding to each batch's longest text),
the exported transformer (adapters/compute/onnx_export.py), mean pooling over the attention mask and
L2 normalisation, in float32.
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ragcore.adapters.compute.onnx_export import exported_model
from ragcore.domain.errors import Unavailable

_UNAVAILABLE = "embedding_model_unavailable"


@dataclass(frozen=True)
class OnnxModel:
    session: Any  # onnxruntime.InferenceSession; its run() is safe to call from many threads
    tokenizer: Any  # tokenizers.Tokenizer: truncation at max_seq_length, padding to the batch's longest
    counter: Any  # tokenizers.Tokenizer without truncation or padding (token counts)
    inputs: tuple[str, ...]
    dimension: int
    max_seq_length: int

    @classmethod
    def load(cls, model_dir: Path, quantized: bool, cache_dir: Path) -> "OnnxModel":
        max_seq_length, dimension = _folder_facts(model_dir)
        path = exported_model(model_dir, quantized=quantized, cache_dir=cache_dir)
        from tokenizers import Tokenizer

        try:
            session = _session(path)
            counter = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        except Exception as exc:
            raise Unavailable(f"ONNX model {str(path)!r} could not be loaded: {exc}", code=_UNAVAILABLE) from exc
        padding = counter.padding or {"pad_id": 0, "pad_type_id": 0, "pad_token": "[PAD]"}
        counter.no_truncation()
        counter.no_padding()  # MiniLM's tokenizer.json pads every text to 128 tokens and truncates there
        tokenizer = Tokenizer.from_str(counter.to_str())
        tokenizer.enable_truncation(max_seq_length)
        tokenizer.enable_padding(pad_id=padding["pad_id"], pad_type_id=padding["pad_type_id"],
                                 pad_token=padding["pad_token"])  # to the longest text of each batch
        inputs = tuple(node.name for node in session.get_inputs())
        return cls(session, tokenizer, counter, inputs, dimension, max_seq_length)

    def embed(self, texts: list[str]) -> np.ndarray:
        """(len(texts), dimension) mean-pooled, L2-normalised float32 vectors of one batch."""
        encodings = self.tokenizer.encode_batch(texts)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feed = {"input_ids": np.array([e.ids for e in encodings], dtype=np.int64), "attention_mask": mask,
                "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64)}
        hidden = self.session.run(None, {name: feed[name] for name in self.inputs})[0]
        weights = mask[:, :, None].astype(np.float32)
        # The same arithmetic as sentence-transformers' Pooling and Normalize modules (torch clamps).
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)


def _folder_facts(model_dir: Path) -> tuple[int, int]:
    """(max_seq_length, dimension) of a Transformer -> mean Pooling -> Normalize folder, the only
    pipeline this adapter reproduces; anything else is Unavailable rather than different vectors."""
    try:
        modules = json.loads((model_dir / "modules.json").read_text())
        pooling = json.loads((model_dir / modules[1]["path"] / "config.json").read_text())
        max_seq_length = json.loads((model_dir / "sentence_bert_config.json").read_text())["max_seq_length"]
        hidden_size = json.loads((model_dir / "config.json").read_text())["hidden_size"]
    except (OSError, ValueError, LookupError) as exc:
        raise Unavailable(f"{str(model_dir)!r} is not a sentence-transformers folder: {exc}",
                          code=_UNAVAILABLE) from exc
    kinds = [module["type"].rsplit(".", 1)[-1] for module in modules]
    modes = {key for key, on in pooling.items() if key.startswith("pooling_mode_") and on}
    if kinds != ["Transformer", "Pooling", "Normalize"] or modes != {"pooling_mode_mean_tokens"}:
        raise Unavailable(f"{str(model_dir)!r}: only Transformer + mean Pooling + Normalize is supported "
                          f"(found {kinds}, {sorted(modes)})", code=_UNAVAILABLE)
    return int(max_seq_length), int(hidden_size)


def _session(path: Path) -> Any:
    import onnxruntime as ort
    import torch

    options = ort.SessionOptions()
    options.intra_op_num_threads = torch.get_num_threads()  # as many cores as the torch backend uses
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    # Idle pool threads sleep instead of spinning, as OMP_WAIT_POLICY=PASSIVE does for torch: on 2 shared,
    # loaded cores one query took 9.4 ms without spinning vs 17.1 ms with it (2026-11-30, load 6).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
