"""UnconfiguredLanguageModel: the LanguageModel port when no LLM is configured (``RAGCORE_LLM=none``)."""

from collections.abc import Iterator, Sequence

from ragcore.adapters.llm.tokens import CharTokenCounter
from ragcore.domain.errors import Unavailable
from ragcore.domain.models import ChatMessage

MESSAGE = "no language model is configured: set RAGCORE_LLM=openai and RAGCORE_LLM_BASE_URL"


class UnconfiguredLanguageModel:
    """Every call raises Unavailable(code="llm_unavailable"); counting tokens still works."""

    model_name = "none"

    def __init__(self, *, context_tokens: int, chars_per_token: float) -> None:
        self.context_tokens = context_tokens
        self.count_tokens = CharTokenCounter(chars_per_token)

    def complete(self, messages: Sequence[ChatMessage], *, max_tokens: int) -> str:
        raise Unavailable(MESSAGE, code="llm_unavailable")

    def stream(self, messages: Sequence[ChatMessage], *, max_tokens: int) -> Iterator[str]:
        raise Unavailable(MESSAGE, code="llm_unavailable")
