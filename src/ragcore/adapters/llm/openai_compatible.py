"""OpenAICompatibleLanguageModel: the LanguageModel port over any OpenAI-compatible chat server.

LM Studio (default ``http://localhost:1234/v1``), Ollama (``http://localhost:11434/v1``), vLLM and
the llama.cpp server all speak ``POST /v1/chat/completions`` (with ``stream: true`` as SSE) and
``GET /v1/models``. Uses the official ``openai`` client: ``timeout_seconds`` per request (for a
stream: between two chunks), ``max_retries`` retries with backoff on connection errors, 408, 409,
429 and 5xx. Every failure becomes Unavailable(code="llm_unavailable"). Tokens are estimated from
characters (see ``adapters.llm.tokens``).
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import httpx

from ragcore.adapters.llm.tokens import CharTokenCounter
from ragcore.domain.errors import Unavailable
from ragcore.domain.models import ChatMessage


class OpenAICompatibleLanguageModel:
    """``model`` None: the first model the server lists (LM Studio: the loaded one), asked once."""

    def __init__(
        self, *, base_url: str, model: str | None, api_key: str | None, timeout_seconds: float, max_retries: int,
        context_tokens: int, chars_per_token: float, temperature: float,
    ) -> None:
        self._base_url = base_url
        self._model = model or None
        self._api_key = api_key or "not-needed"  # local servers ignore it; the client requires one
        self._timeout = timeout_seconds
        self._max_retries = max_retries
        self._temperature = temperature
        self._client = None
        self.context_tokens = context_tokens
        self.count_tokens = CharTokenCounter(chars_per_token)

    @property
    def model_name(self) -> str:
        """The configured model, else the server's first listed model (Unavailable if it lists none)."""
        if self._model is None:
            with self._translated():
                models = [m.id for m in self._openai().models.list()]
            if not models:
                raise Unavailable(f"the language model server at {self._base_url} serves no model; "
                                  "load one or set RAGCORE_LLM_MODEL", code="llm_unavailable")
            self._model = models[0]
        return self._model

    def complete(self, messages: Sequence[ChatMessage], *, max_tokens: int) -> str:
        """The reply's text ("" when the model returned none)."""
        with self._translated():
            response = self._openai().chat.completions.create(**self._request(messages, max_tokens))
        if not response.choices:
            return ""
        return response.choices[0].message.content or ""

    def stream(self, messages: Sequence[ChatMessage], *, max_tokens: int) -> Iterator[str]:
        """Text deltas; the request is sent (and retried) before this returns."""
        with self._translated():
            chunks = self._openai().chat.completions.create(**self._request(messages, max_tokens), stream=True)
        return self._deltas(chunks)

    def _deltas(self, chunks) -> Iterator[str]:
        """Deltas until a chunk with a ``finish_reason``; a stream that ends without one broke off."""
        finished = False
        try:
            with self._translated():
                for chunk in chunks:
                    choice = chunk.choices[0] if chunk.choices else None
                    if choice is not None and choice.delta.content:
                        yield choice.delta.content
                    finished = finished or bool(choice and choice.finish_reason)
        finally:
            chunks.close()
        if not finished:
            raise self._unavailable("broke off the streamed reply")

    def _request(self, messages: Sequence[ChatMessage], max_tokens: int) -> dict:
        return {
            "model": self.model_name,
            "messages": [{"role": m.role, "content": m.content} for m in messages],
            "max_tokens": max_tokens,
            "temperature": self._temperature,
        }

    def _openai(self):
        if self._client is None:
            import openai

            self._client = openai.OpenAI(
                base_url=self._base_url, api_key=self._api_key, timeout=self._timeout, max_retries=self._max_retries
            )
        return self._client

    @contextmanager
    def _translated(self) -> Iterator[None]:
        """openai and httpx errors -> Unavailable(code="llm_unavailable") naming the server."""
        import openai

        try:
            yield
        except openai.APITimeoutError as exc:
            raise self._unavailable(f"did not answer within {self._timeout:g} s") from exc
        except openai.APIConnectionError as exc:
            raise self._unavailable("cannot be reached") from exc
        except openai.APIStatusError as exc:
            raise self._unavailable(f"answered HTTP {exc.status_code}: {_detail(exc)}") from exc
        except (openai.OpenAIError, httpx.HTTPError) as exc:
            raise self._unavailable(f"failed: {type(exc).__name__}: {exc}") from exc

    def _unavailable(self, what: str) -> Unavailable:
        return Unavailable(f"the language model server at {self._base_url} {what}", code="llm_unavailable")


def _detail(exc) -> str:
    body = exc.body if isinstance(exc.body, dict) else {}
    error = body.get("error", body)
    message = error.get("message") if isinstance(error, dict) else error
    return str(message or exc.message)[:300]
