"""The answer prompt: numbered context passages that fit the model's context budget, in tokens.

Budget = ``context_tokens`` - ``max_answer_tokens`` (reserved for the reply) - the system prompt -
the user prompt without passages (question included) - ``MESSAGE_OVERHEAD_TOKENS`` per message.
Passages are taken in rank order, numbered from 1, each costing ``count_tokens(block + "\\n\\n")``;
the first one that does not fit ends the list (the rest are "cut"), so numbers stay contiguous and
the best passages are kept. When not even the first passage fits, its text is shortened to fit.
"""

from collections.abc import Callable, Sequence
from string import Template

import msgspec

from ragcore.domain.errors import Invalid
from ragcore.domain.models import ChatMessage, SearchHit

MESSAGE_OVERHEAD_TOKENS = 4  # role and separators a chat template adds to every message
MIN_PASSAGE_TOKENS = 16  # below this, there is no room for context: the question is too long
SEPARATOR = "\n\n"


class AnswerPrompts(msgspec.Struct, frozen=True):
    """Prompt templates (package data files). ``user`` has ``$question`` and ``$passages``."""

    system: str
    user: str


class Prompt(msgspec.Struct, frozen=True):
    """Messages to send; ``hits`` are the passages numbered 1..n in them; ``cut`` how many were left out."""

    messages: tuple[ChatMessage, ...]
    hits: tuple[SearchHit, ...]
    cut: int


def format_passage(number: int, hit: SearchHit, text: str | None = None) -> str:
    """``[n] filename, p. 3-4`` then the chunk text on the next line."""
    c = hit.chunk
    pages = ""
    if c.pages:
        lo, hi = min(c.pages), max(c.pages)
        pages = f", p. {lo}" if lo == hi else f", p. {lo}-{hi}"
    return f"[{number}] {c.filename}{pages}\n{c.text if text is None else text}"


def build_prompt(
    prompts: AnswerPrompts,
    question: str,
    hits: Sequence[SearchHit],
    *,
    context_tokens: int,
    max_answer_tokens: int,
    count_tokens: Callable[[str], int],
) -> Prompt:
    """The chat messages for ``question`` over as many of ``hits`` as the budget holds.

    Raises Invalid(code="question_too_long") when the question leaves no room for passages.
    """
    user = Template(prompts.user)
    fixed = count_tokens(prompts.system) + count_tokens(user.substitute(question=question, passages=""))
    budget = context_tokens - max_answer_tokens - fixed - 2 * MESSAGE_OVERHEAD_TOKENS
    if budget < MIN_PASSAGE_TOKENS:
        raise Invalid(
            f"the question leaves no room for context passages within the model's budget of "
            f"{context_tokens} tokens; shorten the question", code="question_too_long",
        )
    blocks = fit_passages(hits, budget, count_tokens)
    messages = (
        ChatMessage("system", prompts.system),
        ChatMessage("user", user.substitute(question=question, passages=SEPARATOR.join(blocks))),
    )
    return Prompt(messages=messages, hits=tuple(hits[: len(blocks)]), cut=len(hits) - len(blocks))


def fit_passages(hits: Sequence[SearchHit], budget: int, count_tokens: Callable[[str], int]) -> list[str]:
    """Formatted passages, best first, whose token costs add up to at most ``budget``."""
    blocks: list[str] = []
    for number, hit in enumerate(hits, 1):
        block = format_passage(number, hit)
        cost = count_tokens(block + SEPARATOR)
        if cost > budget:
            if not blocks:
                blocks.append(_shortened(hit, budget, count_tokens))
            break
        blocks.append(block)
        budget -= cost
    return blocks


def _shortened(hit: SearchHit, budget: int, count_tokens: Callable[[str], int]) -> str:
    """Passage 1 with the longest prefix of its text that fits ``budget``."""
    text = hit.chunk.text
    keep = longest_prefix(len(text), budget, lambda n: count_tokens(format_passage(1, hit, text[:n]) + SEPARATOR))
    return format_passage(1, hit, text[:keep])


def longest_prefix(length: int, budget: int, cost: Callable[[int], int]) -> int:
    """The largest n <= ``length`` with ``cost(n) <= budget`` (0 if none); ``cost`` must not decrease
    with n. Binary search: about log2(length) calls."""
    lo, hi = 0, length
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if cost(mid) <= budget:
            lo = mid
        else:
            hi = mid - 1
    return lo
