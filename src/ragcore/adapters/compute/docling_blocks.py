"""DoclingDocument -> TextBlocks: reading order, heading paths, tables as markdown, PDF lines joined."""

import re
from typing import Any

from ragcore.domain.models import TextBlock


def document_blocks(doc: Any) -> list[TextBlock]:
    """One block per text, list item, inline group or table (markdown) of a DoclingDocument."""
    from docling_core.types.doc import GroupLabel, SectionHeaderItem, TableItem, TitleItem

    table_captions = {ref.cref for item, _ in doc.iterate_items() if isinstance(item, TableItem)
                      for ref in item.captions}  # tables export their own captions
    path, blocks = _HeadingPath(), []
    for item, _ in doc.iterate_items(with_groups=True):
        if _rendered_by_ancestor(item, doc) or item.self_ref in table_captions:
            continue
        if isinstance(item, (TitleItem, SectionHeaderItem)):
            level = 0 if isinstance(item, TitleItem) else item.level
            blocks.extend(path.enter(item.text.strip(), level, _page(item)))
        elif isinstance(item, TableItem):
            blocks.append(TextBlock(_table_markdown(item, doc), _page(item), path.use()))
        else:  # text and list items, captions, inline groups; other groups and pictures have no text
            inline = getattr(item, "label", None) == GroupLabel.INLINE
            text = _inline_text(item, doc) if inline else getattr(item, "text", "").strip()
            if text:
                blocks.append(TextBlock(text, _page(item), path.use()))
    return blocks + path.close()


def _rendered_by_ancestor(item: Any, doc: Any) -> bool:
    """True inside a table (its markdown holds the text) or an inline group (joined as one block)."""
    from docling_core.types.doc import GroupLabel, TableItem

    parent = item.parent.resolve(doc) if item.parent else None
    while parent is not None:
        if isinstance(parent, TableItem) or getattr(parent, "label", None) == GroupLabel.INLINE:
            return True
        parent = parent.parent.resolve(doc) if parent.parent else None
    return False


def _inline_text(group: Any, doc: Any) -> str:
    parts = []
    for ref in group.children:
        child = ref.resolve(doc)
        parts.append(child.text.strip() if hasattr(child, "text") else _inline_text(child, doc))
    return " ".join(p for p in parts if p)


def _table_markdown(item: Any, doc: Any) -> str:
    """Markdown table without column padding: runs of spaces and dashes cost tokens, not meaning."""
    text = item.export_to_markdown(doc=doc).replace("<!-- image -->", "")
    return re.sub(r"-{4,}", "---", re.sub(r"[ \t]{2,}", " ", text)).strip()


def _page(item: Any) -> int | None:
    prov = getattr(item, "prov", None)
    return prov[0].page_no if prov else None


class _HeadingPath:
    """Current heading path (title = level 0); a heading with no text under it becomes a block."""

    def __init__(self) -> None:
        self._stack: list[list[Any]] = []  # [level, text, page, used]

    def enter(self, text: str, level: int, page: int | None) -> list[TextBlock]:
        orphans: list[TextBlock] = []
        while self._stack and self._stack[-1][0] >= level:
            orphans += self._pop()
        if text:
            self._stack.append([level, text, page, False])
        return orphans

    def use(self) -> tuple[str, ...]:
        for entry in self._stack:
            entry[3] = True
        return tuple(entry[1] for entry in self._stack)

    def close(self) -> list[TextBlock]:
        orphans: list[TextBlock] = []
        while self._stack:
            orphans += self._pop()
        return orphans

    def _pop(self) -> list[TextBlock]:
        _, text, page, used = self._stack.pop()
        return [] if used else [TextBlock(text, page, self.use())]


_LIST_START = re.compile(r"([•◦▪‣∙·●○■□➢►∞*–-]|\(?\d{1,3}[.)]|\(?[a-z][.)])\s")


def pdf_line_blocks(doc: Any) -> list[TextBlock]:
    """Native PDF pipeline items are text lines: join lines into paragraphs by vertical gaps."""
    blocks, lines, prev = [], [], None
    for item, _ in doc.iterate_items():
        text = getattr(item, "text", "").strip()
        if not text or not item.prov:
            continue
        prov = item.prov[0]
        if prev is not None and not _continues(prev, prov, text, len(lines)):
            blocks.append(TextBlock(_join_lines(lines), prev.page_no))
            lines = []
        lines.append(text)
        prev = prov
    if lines:
        blocks.append(TextBlock(_join_lines(lines), prev.page_no))
    return blocks


def _continues(prev: Any, cur: Any, text: str, n_lines: int) -> bool:
    """Same paragraph: same page, a small gap below the previous line, no list marker, no outdent
    after the second line (a first-line indent is not a new paragraph). Boxes are bottom-left origin."""
    a, b = prev.bbox, cur.bbox
    height = max(a.t - a.b, b.t - b.b, 1.0)
    gap = a.b - b.t
    outdent = b.l < a.l - 2 and n_lines >= 2
    return (prev.page_no == cur.page_no and -0.5 * height <= gap <= 0.8 * height
            and not outdent and not _LIST_START.match(text))


def _join_lines(lines: list[str]) -> str:
    text = lines[0]
    for line in lines[1:]:
        text += line if text.endswith("-") else " " + line
    return text

