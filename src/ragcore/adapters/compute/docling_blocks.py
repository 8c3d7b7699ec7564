"""DoclingDocument -> TextBlocks: reading order, heading paths, tables as markdown, notes and headers."""

import re
from typing import Any

from ragcore.domain.models import TextBlock


def document_blocks(doc: Any, fmt: str) -> list[TextBlock]:
    """One block per text, list item, inline group or table (markdown) of a DoclingDocument of
    format ``fmt``. XLSX sheet names head their sheet's path; PPTX speaker notes end with "notes"
    and DOCX page headers/footers are ("header",)/("footer",). HTML's furniture layer is content
    (Docling puts the text before the first heading there; chrome is removed before, html_clean)."""
    from docling_core.types.doc import ContentLayer, GroupLabel, SectionHeaderItem, TableItem, TitleItem

    table_captions = {ref.cref for item, _ in doc.iterate_items() if isinstance(item, TableItem)
                      for ref in item.captions}  # tables export their own captions
    path, blocks = HeadingPath(), []
    for item, _ in doc.iterate_items(with_groups=True, included_content_layers=set(ContentLayer)):
        if _rendered_by_ancestor(item, doc) or item.self_ref in table_captions:
            continue
        layer = _layer_headings(item, doc, fmt)
        if layer is None:
            continue
        if isinstance(item, (TitleItem, SectionHeaderItem)) and not layer:
            level = 0 if isinstance(item, TitleItem) else item.level
            blocks.extend(path.enter(item.text.strip(), level, _page(item)))
        elif getattr(item, "label", None) == GroupLabel.SHEET:
            blocks.extend(path.enter(getattr(item, "name", "").strip(), 1, None))
        elif isinstance(item, TableItem):
            markdown = _table_markdown(item, doc)  # an empty sheet's table has none
            if markdown:
                blocks.append(TextBlock(markdown, _page(item), _headings(path, layer)))
        else:  # text and list items, captions, inline groups; other groups and pictures have no text
            inline = getattr(item, "label", None) == GroupLabel.INLINE
            text = _inline_text(item, doc) if inline else getattr(item, "text", "").strip()
            if text:
                blocks.append(TextBlock(text, _page(item), _headings(path, layer)))
    return blocks + path.close()


def _layer_headings(item: Any, doc: Any, fmt: str) -> tuple[str, ...] | None:
    """() for body text, ("notes",) for speaker notes, ("header",)/("footer",) for DOCX page
    headers/footers, None for furniture that is not indexed (e.g. PDF running headers)."""
    from docling_core.types.doc import ContentLayer

    layer = getattr(item, "content_layer", ContentLayer.BODY)
    if layer == ContentLayer.NOTES:
        return ("notes",)
    if layer != ContentLayer.FURNITURE or fmt == "html":
        return ()
    parent = item.parent.resolve(doc) if item.parent else None
    name = (getattr(parent, "name", "") or "").lower()
    return next(((kind,) for kind in ("header", "footer") if kind in name), None)


def _headings(path: "HeadingPath", layer: tuple[str, ...]) -> tuple[str, ...]:
    """Body and notes continue the heading path; page headers and footers stand alone."""
    return layer if layer in (("header",), ("footer",)) else path.use() + layer


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


class HeadingPath:
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
