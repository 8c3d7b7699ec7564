"""Native-pipeline PDF lines -> TextBlocks: lines joined into paragraphs, headings found by line height.

Docling's model-free PDF pipeline yields one text item per line, without labels. A short paragraph
set in a larger type than the body text (the most common line height, weighted by characters)
is a heading (unless it is mostly digits, or a "Table 1."/"Figure 2" caption); larger type is a
higher level. Symbol-font bullets that come out as "∞" or a C1 control character are "•".
"""

import re
from collections import Counter
from typing import Any

from ragcore.adapters.compute.docling_blocks import HeadingPath
from ragcore.domain.models import TextBlock

_LIST_START = re.compile(r"([•◦▪‣∙·●○■□➢►∞*–-]|\(?\d{1,3}[.)]|\(?[a-z][.)])\s")
_HEADING_RATIO = 1.08  # line height above the body's by this factor: a heading
_HEADING_MAX_CHARS = 120
_CAPTION = re.compile(r"(Table|Figure|Fig\.|Chart|Listing)\s*\d", re.IGNORECASE)
_SYMBOL_BULLET = re.compile(r"^[∞\x80-\x9f](?=\s|$)")


class _Paragraph:
    def __init__(self, text: str, prov: Any) -> None:
        self.lines, self.page, self.height = [text], prov.page_no, _height(prov)

    @property
    def text(self) -> str:
        text = self.lines[0]
        for line in self.lines[1:]:
            text += line if text.endswith("-") else " " + line
        return _SYMBOL_BULLET.sub("•", text)


def pdf_line_blocks(doc: Any) -> list[TextBlock]:
    """Paragraph blocks of a native-pipeline DoclingDocument, with heading paths."""
    paragraphs = _paragraphs(doc)
    body = _body_height(paragraphs)
    levels = sorted({round(p.height, 1) for p in paragraphs if _is_heading(p, body)}, reverse=True)
    path, blocks = HeadingPath(), []
    for paragraph in paragraphs:
        if paragraph.text == "•":  # a bullet glyph drawn apart from its line
            continue
        if _is_heading(paragraph, body):
            blocks.extend(path.enter(paragraph.text, 1 + levels.index(round(paragraph.height, 1)), paragraph.page))
        else:
            blocks.append(TextBlock(paragraph.text, paragraph.page, path.use()))
    return blocks + path.close()


def _paragraphs(doc: Any) -> list[_Paragraph]:
    paragraphs: list[_Paragraph] = []
    prev = None
    for item, _ in doc.iterate_items():
        text = getattr(item, "text", "").strip()
        if not text or not item.prov:
            continue
        prov = item.prov[0]
        if prev is not None and _continues(prev, prov, text, len(paragraphs[-1].lines)):
            paragraphs[-1].lines.append(text)
            paragraphs[-1].height = max(paragraphs[-1].height, _height(prov))
        else:
            paragraphs.append(_Paragraph(text, prov))
        prev = prov
    return paragraphs


def _body_height(paragraphs: list[_Paragraph]) -> float:
    weights: Counter[float] = Counter()
    for paragraph in paragraphs:
        weights[round(paragraph.height, 1)] += len(paragraph.text)
    return weights.most_common(1)[0][0] if weights else 0.0


def _is_heading(paragraph: _Paragraph, body: float) -> bool:
    text = paragraph.text
    return (len(paragraph.lines) <= 2 and len(text) <= _HEADING_MAX_CHARS and body > 0
            and paragraph.height > body * _HEADING_RATIO and not _LIST_START.match(text)
            and not text.endswith((".", ",", ";", ":")) and not _CAPTION.match(text)
            and sum(ch.isalpha() for ch in text) * 2 > len(text.replace(" ", "")))


def _height(prov: Any) -> float:
    return max(prov.bbox.t - prov.bbox.b, 0.0)


def _continues(prev: Any, cur: Any, text: str, n_lines: int) -> bool:
    """Same paragraph: same page, a small gap below the previous line, no list marker, no outdent
    after the second line (a first-line indent is not a new paragraph), the same type size.
    Boxes are bottom-left origin."""
    a, b = prev.bbox, cur.bbox
    height = max(a.t - a.b, b.t - b.b, 1.0)
    gap = a.b - b.t
    outdent = b.l < a.l - 2 and n_lines >= 2
    same_size = abs(_height(prev) - _height(cur)) <= 0.05 * height
    return (prev.page_no == cur.page_no and -0.5 * height <= gap <= 0.8 * height
            and not outdent and same_size and not _LIST_START.match(text))
