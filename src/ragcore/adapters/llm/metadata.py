"""LlmMetadataExtractor: the MetadataExtractor port through a LanguageModel, with a fallback extractor.

The model is asked (prompts/metadata_*.md) for one JSON object ``{"title", "summary", "keywords"}``,
decoded and validated with msgspec. A malformed reply gets one repair attempt: the reply and the
validation error go back to the model with prompts/metadata_repair.md. When the repaired reply is
malformed too, or the model is unavailable, the ``fallback`` extractor (YAKE keywords and an
extractive summary) answers instead and a warning is logged: ingestion never fails on an LLM's mood.
"""

import logging
import re
import time
from string import Template

import msgspec

from ragcore.domain.answers.prompt import MESSAGE_OVERHEAD_TOKENS, longest_prefix
from ragcore.domain.errors import Unavailable
from ragcore.domain.models import ChatMessage, DocumentMetadata
from ragcore.domain.ports import LanguageModel, MetadataExtractor
from ragcore.prompts import load

log = logging.getLogger(__name__)
TITLE_MAX_CHARS = 200
SUMMARY_MAX_CHARS = 600
MAX_KEYWORDS = 8
_FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.DOTALL)


class MetadataReply(msgspec.Struct):
    """What the model must reply (extra keys are ignored)."""

    title: str
    summary: str
    keywords: list[str]


class MalformedReply(Exception):
    """The model's reply is not a valid MetadataReply even after the repair attempt."""


class LlmMetadataExtractor:
    """``max_answer_tokens``: reserved for the JSON reply; the text is cut to fit the rest of the model's
    context window (prompts and the repair turn included). After the model was unavailable, the fallback
    answers alone for ``pause_seconds`` (no connection attempts and retries per document meanwhile)."""

    def __init__(
        self, llm: LanguageModel, *, fallback: MetadataExtractor, max_answer_tokens: int = 400,
        pause_seconds: float = 60.0,
    ) -> None:
        self._llm = llm
        self._fallback = fallback
        self._max_answer_tokens = max_answer_tokens
        self._pause_seconds = pause_seconds
        self._paused_until = 0.0
        self._system = load("metadata_system.md")
        self._user = Template(load("metadata_user.md"))
        self._repair = Template(load("metadata_repair.md"))

    def extract(self, text: str, *, filename: str) -> DocumentMetadata:
        """Title, summary and keywords by the model, else by the fallback (see the module docstring)."""
        if time.monotonic() < self._paused_until:
            return self._fallback.extract(text, filename=filename)
        try:
            return _metadata(self._ask(text, filename))
        except (Unavailable, MalformedReply) as exc:
            if isinstance(exc, Unavailable):
                self._paused_until = time.monotonic() + self._pause_seconds
            log.warning("LLM metadata extraction of %r failed (%s); using the fallback extractor", filename, exc)
            return self._fallback.extract(text, filename=filename)

    def _ask(self, text: str, filename: str) -> MetadataReply:
        messages = [ChatMessage("system", self._system),
                    ChatMessage("user", self._user.substitute(filename=filename, text=self._fit(text, filename)))]
        reply = self._llm.complete(messages, max_tokens=self._max_answer_tokens)
        try:
            return parse_reply(reply)
        except msgspec.DecodeError as first:  # invalid JSON, or JSON of the wrong shape (ValidationError)
            messages += [ChatMessage("assistant", reply), ChatMessage("user", self._repair.substitute(error=first))]
        repaired = self._llm.complete(messages, max_tokens=self._max_answer_tokens)
        try:
            return parse_reply(repaired)
        except msgspec.DecodeError as second:
            raise MalformedReply(f"malformed JSON after one repair: {second}") from second

    def _fit(self, text: str, filename: str) -> str:
        """The longest prefix of ``text`` that leaves room for the reply, a repair turn and the prompts."""
        count = self._llm.count_tokens
        fixed = (count(self._system) + count(self._user.substitute(filename=filename, text=""))
                 + count(self._repair.template) + 2 * self._max_answer_tokens + 4 * MESSAGE_OVERHEAD_TOKENS)
        budget = max(self._llm.context_tokens - fixed, 0)
        return text[: longest_prefix(len(text), budget, lambda n: count(text[:n]))]


def parse_reply(reply: str) -> MetadataReply:
    """The reply (optionally in a Markdown code fence) as a MetadataReply; raises msgspec.DecodeError
    (invalid JSON) or its subclass msgspec.ValidationError (wrong shape)."""
    body = reply.strip()
    fenced = _FENCE.match(body)
    return msgspec.json.decode((fenced.group(1) if fenced else body).encode(), type=MetadataReply)


def _metadata(reply: MetadataReply) -> DocumentMetadata:
    keywords: list[str] = []
    for keyword in (" ".join(k.split()) for k in reply.keywords):
        if keyword and keyword.lower() not in {k.lower() for k in keywords}:
            keywords.append(keyword[:TITLE_MAX_CHARS])
    return DocumentMetadata(title=_cap(reply.title, TITLE_MAX_CHARS), summary=_cap(reply.summary, SUMMARY_MAX_CHARS),
                            keywords=tuple(keywords[:MAX_KEYWORDS]))


def _cap(text: str, limit: int) -> str | None:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text or None
    return text[: limit - 1].rstrip() + "…"
