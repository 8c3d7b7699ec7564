"""Token estimate for any chat model, without its tokenizer.

ragcore talks to models it does not know (whatever LM Studio, Ollama or vLLM serves), so it cannot
load their tokenizers offline; the local embedder's WordPiece tokenizer is another model's and may be
remote. A character estimate is model-independent and deterministic: ``ceil(len(text) /
chars_per_token)``. BPE tokenizers average about 4 characters per token on English prose and fewer
on code, numbers and other languages; the default 3.0 over-counts on purpose, so a prompt that fits
the estimate fits the real context window.
"""

import math


class CharTokenCounter:
    """Callable: text -> estimated tokens, ``ceil(len(text) / chars_per_token)``."""

    def __init__(self, chars_per_token: float = 3.0) -> None:
        if chars_per_token <= 0:
            raise ValueError("chars_per_token must be positive")
        self.chars_per_token = chars_per_token

    def __call__(self, text: str) -> int:
        return math.ceil(len(text) / self.chars_per_token)
