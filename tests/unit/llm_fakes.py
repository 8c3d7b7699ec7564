"""Hand-written fakes for the answer use case: a scripted language model, a recording search."""

from ragcore.domain.errors import Unavailable


class FakeLanguageModel:
    """Scripted replies (a str, or a list of stream pieces); records every call.

    One character is one token, so budgets are exact. ``down`` makes every call raise llm_unavailable.
    """

    model_name = "fake-llm"

    def __init__(self, *replies, context_tokens: int = 100_000, down: bool = False) -> None:
        self.replies = list(replies)
        self.context_tokens = context_tokens
        self.down = down
        self.calls: list[tuple[str, list, int]] = []  # (kind, messages, max_tokens)

    def count_tokens(self, text: str) -> int:
        return len(text)

    def complete(self, messages, *, max_tokens: int) -> str:
        self._record("complete", messages, max_tokens)
        reply = self.replies.pop(0)
        return reply if isinstance(reply, str) else "".join(reply)

    def stream(self, messages, *, max_tokens: int):
        self._record("stream", messages, max_tokens)
        reply = self.replies.pop(0)
        return iter([reply] if isinstance(reply, str) else reply)

    def _record(self, kind: str, messages, max_tokens: int) -> None:
        self.calls.append((kind, list(messages), max_tokens))
        if self.down:
            raise Unavailable("the language model server is down", code="llm_unavailable")


class RecordingSearch:
    """Wraps a SearchService; records the arguments of every ``search``."""

    def __init__(self, inner) -> None:
        self._inner = inner
        self.calls: list[tuple] = []

    def search(self, *args, **kwargs):
        self.calls.append((args, kwargs))
        return self._inner.search(*args, **kwargs)
