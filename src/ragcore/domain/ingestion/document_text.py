"""A parsed document as one Markdown-like text, for metadata extraction (title, summary, keywords)."""

from ragcore.domain.models import ParsedDocument


def document_text(parsed: ParsedDocument) -> str:
    """The blocks joined by blank lines, each heading of the heading paths written once as a Markdown
    heading (``# Title``, ``## Section``) where it starts, so extractors see the document's structure.

    Parsers keep headings in ``TextBlock.headings``, not as blocks: without this the title is lost.
    """
    parts: list[str] = []
    previous: tuple[str, ...] = ()
    for block in parsed.blocks:
        common = 0
        while common < min(len(previous), len(block.headings)) and previous[common] == block.headings[common]:
            common += 1
        parts += [f"{'#' * min(level + 1, 6)} {block.headings[level]}" for level in range(common, len(block.headings))]
        previous = block.headings
        if block.text.strip() and block.text.strip() not in block.headings[-1:]:
            parts.append(block.text)
    return "\n\n".join(parts)
