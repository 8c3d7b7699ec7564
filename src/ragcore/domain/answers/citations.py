"""Citation markers in generated text: ``[n]`` or ``[n, m]`` with 1-3 digit numbers.

A marker number that points at no passage (outside 1..passages) is removed from the text and
reported as dropped; a group whose every number is dropped disappears with the whitespace before it
(``"cheap [7]."`` -> ``"cheap."``; ``"[1, 7]"`` -> ``"[1]"``). Bracketed 4-digit numbers (``[2024]``)
are not markers. ``MarkerFilter`` works on a stream of text pieces and gives exactly the same text
as on the whole reply at once, so streamed tokens and the final answer always agree.
"""

import re

_MARKER = re.compile(r"(\s*)\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]")
# What may still become a marker at the end of the text seen so far: whitespace, then an open group.
_OPEN_TAIL = re.compile(r"\s*(?:\[\d{0,3}(?:\s*,\s*\d{0,3})*\s*)?\Z")


class MarkerFilter:
    """Feed text pieces, get back cleaned text; ``cited`` and ``dropped`` list distinct marker numbers
    in order of first appearance. Leading and trailing whitespace of the whole reply is removed."""

    def __init__(self, passages: int) -> None:
        self._passages = passages
        self._pending = ""
        self._started = False
        self.cited: list[int] = []
        self.dropped: list[int] = []

    def feed(self, piece: str) -> str:
        """Cleaned text that is certain now; a possible marker (and whitespace) at the end is held back."""
        self._pending += piece
        cut = _OPEN_TAIL.search(self._pending).start()
        ready, self._pending = self._pending[:cut], self._pending[cut:]
        return self._emit(_MARKER.sub(self._replace, ready))

    def flush(self) -> str:
        """The rest at the end of the reply (an unclosed group is plain text); trailing whitespace dropped."""
        rest, self._pending = self._pending, ""
        return self._emit(_MARKER.sub(self._replace, rest).rstrip())

    def _emit(self, text: str) -> str:
        if not self._started:
            text = text.lstrip()
            self._started = bool(text)
        return text

    def _replace(self, match: re.Match[str]) -> str:
        numbers = [int(n) for n in match.group(2).split(",")]
        kept = [n for n in numbers if 1 <= n <= self._passages]
        for n in numbers:
            seen = self.cited if n in kept else self.dropped
            if n not in seen:
                seen.append(n)
        if not kept:
            return ""
        if len(kept) == len(numbers):
            return match.group(0)
        return f"{match.group(1)}[{', '.join(map(str, dict.fromkeys(kept)))}]"


def clean_markers(text: str, passages: int) -> tuple[str, list[int], list[int]]:
    """(cleaned text, cited numbers, dropped numbers) of a whole reply."""
    f = MarkerFilter(passages)
    cleaned = f.feed(text) + f.flush()
    return cleaned, f.cited, f.dropped
