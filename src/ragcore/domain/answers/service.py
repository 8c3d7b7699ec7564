"""Answer use case: retrieve passages, ask the language model with numbered context, map citations."""

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from ragcore.domain.answers.citations import MarkerFilter
from ragcore.domain.answers.prompt import AnswerPrompts, Prompt, build_prompt
from ragcore.domain.errors import Invalid
from ragcore.domain.models import Answer, AnswerMode, Citation, SearchHit
from ragcore.domain.ports import LanguageModel
from ragcore.domain.search.service import SearchService, is_blank

MAX_QUESTION_CHARS = 4000
Filters = Mapping[str, Any]  # the metadata filter language of domain/search/filters.py


class AnswerStream:
    """Iterate for the answer's cleaned text pieces; afterwards ``answer`` holds the whole Answer.

    Iteration raises Unavailable(code="llm_unavailable") if the model's connection breaks.
    """

    def __init__(self, pieces: Iterator[str], markers: MarkerFilter, finish: Callable[[str], Answer]) -> None:
        self._pieces = pieces
        self._markers = markers
        self._finish = finish
        self._text: list[str] = []
        self.answer: Answer | None = None

    def __iter__(self) -> Iterator[str]:
        for piece in self._pieces:
            yield from self._keep(self._markers.feed(piece))
        yield from self._keep(self._markers.flush())
        self.answer = self._finish("".join(self._text))

    def _keep(self, text: str) -> Iterator[str]:
        if text:
            self._text.append(text)
            yield text


class AnswerService:
    """Grounded answers over one collection. ``max_answer_tokens`` is reserved for the reply."""

    def __init__(
        self, *, search: SearchService, llm: LanguageModel, prompts: AnswerPrompts, max_answer_tokens: int = 512
    ) -> None:
        self._search = search
        self._llm = llm
        self._prompts = prompts
        self._max_answer_tokens = max_answer_tokens

    def answer(
        self, collection: str, question: str, *, top_k: int = 5, filters: Filters | None = None,
        mode: AnswerMode = "generate",
    ) -> Answer:
        """The model's answer with citations for every kept ``[n]`` marker (see ``domain.citations``).

        ``mode="extractive"``: the best passages as citations, ``text`` None, no model call.
        ``filters`` go to the search (domain/search/filters.py). Nothing retrieved: ``text`` None, no model call.
        Raises Invalid "invalid_question" (blank or over 4,000 characters; checked before any search or
        model call), the errors of ``SearchService.search``, Invalid "question_too_long" (no room for
        passages), Unavailable "llm_unavailable".
        """
        hits = self._retrieve(collection, question, top_k, filters)
        if mode == "extractive" or not hits:
            return _extractive(collection, question, hits, mode)
        prompt = self._prompt(question, hits)
        reply = self._llm.complete(prompt.messages, max_tokens=self._max_answer_tokens)
        markers = MarkerFilter(len(prompt.hits))
        text = markers.feed(reply) + markers.flush()
        return _generated(collection, question, prompt, markers, text)

    def stream(
        self, collection: str, question: str, *, top_k: int = 5, filters: Filters | None = None
    ) -> AnswerStream:
        """Like ``answer`` in generate mode, as text pieces; connects to the model before returning, so
        every error but a broken connection mid-reply is raised here."""
        hits = self._retrieve(collection, question, top_k, filters)
        if not hits:
            return AnswerStream(iter(()), MarkerFilter(0), lambda _: _extractive(collection, question, [], "generate"))
        prompt = self._prompt(question, hits)
        pieces = self._llm.stream(prompt.messages, max_tokens=self._max_answer_tokens)
        markers = MarkerFilter(len(prompt.hits))
        return AnswerStream(iter(pieces), markers, lambda text: _generated(collection, question, prompt, markers, text))

    def _retrieve(self, collection: str, question: str, top_k: int, filters: Filters | None) -> list[SearchHit]:
        if is_blank(question) or len(question) > MAX_QUESTION_CHARS:
            raise Invalid(f"question must be 1-{MAX_QUESTION_CHARS} characters and not blank",
                          code="invalid_question")
        return self._search.search(collection, question, top_k, filters=filters)

    def _prompt(self, question: str, hits: Sequence[SearchHit]) -> Prompt:
        return build_prompt(
            self._prompts, question, hits, context_tokens=self._llm.context_tokens,
            max_answer_tokens=self._max_answer_tokens, count_tokens=self._llm.count_tokens,
        )


def citation(marker: int, hit: SearchHit) -> Citation:
    """The source of passage ``marker`` (1-based)."""
    c = hit.chunk
    return Citation(marker=marker, document_id=c.document_id, filename=c.filename, pages=c.pages,
                    chunk_id=c.id, text=c.text, score=hit.score)


def _extractive(collection: str, question: str, hits: Sequence[SearchHit], mode: AnswerMode) -> Answer:
    citations = tuple(citation(n, hit) for n, hit in enumerate(hits, 1))
    return Answer(question=question, collection=collection, mode=mode, text=None, citations=citations,
                  passages=len(hits))


def _generated(collection: str, question: str, prompt: Prompt, markers: MarkerFilter, text: str) -> Answer:
    return Answer(
        question=question, collection=collection, mode="generate", text=text,
        citations=tuple(citation(n, prompt.hits[n - 1]) for n in markers.cited),
        dropped_markers=tuple(markers.dropped), passages=len(prompt.hits), passages_cut=prompt.cut,
    )
