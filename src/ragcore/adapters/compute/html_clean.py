"""HTML before Docling: scripts, styles and page chrome removed, so only the page's content is indexed.

Chrome is what a reader skips: navigation (``<nav>``, ARIA ``navigation``/``banner``/``contentinfo``/
``search`` landmarks), page headers and footers outside the main content, hidden elements, and
MediaWiki's edit links, menus, navigation boxes and category lists ("Edit this at Wikidata",
"Categories:", the list of languages), skip links, breadcrumbs and cookie banners.
"""

import re
from typing import Any

# Never "form": ASP.NET pages wrap their whole body in one.
_NEVER_CONTENT = ("head", "script", "style", "noscript", "template", "iframe", "object", "svg", "nav", "button")
_CHROME_ROLES = {"navigation", "banner", "contentinfo", "search", "menu", "menubar", "toolbar"}
_CHROME_CLASSES = re.compile(
    r"^(noprint|navbox.*|catlinks|mw-editsection|mw-jump-link|printfooter|mw-hidden-catlinks|mw-portlet.*|"
    r"vector-dropdown|vector-menu.*|interlanguage-link|metadata|sistersitebox|portal(-bar)?|authority-control|"
    r"mw-indicators|skip-?link|breadcrumbs?|cookie-?(banner|notice|consent))$"
)
_EDIT_LINK = re.compile(r"^(edit this|edit section|edit links)", re.IGNORECASE)


def clean_html(data: bytes) -> tuple[bytes, str | None]:
    """(UTF-8 HTML without scripts, styles and chrome, the encoding the page was read in, e.g.
    "utf-8", "windows-1252"). The charset is found as browsers do: BOM, ``<meta charset>``, then
    detection (BeautifulSoup's UnicodeDammit, charset-normalizer)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(data, "html.parser")
    for element in list(soup.find_all(True)):
        if element.decomposed or element.parent is None:
            continue
        if _is_chrome(element):
            element.decompose()
    return soup.encode("utf-8"), soup.original_encoding or "utf-8"


def _is_chrome(element: Any) -> bool:
    name = element.name
    if name in _NEVER_CONTENT:
        return True
    attrs = element.attrs or {}
    if attrs.get("role") in _CHROME_ROLES or "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return True
    if name in ("header", "footer", "aside") and element.find_parent(["main", "article"]) is None:
        return True
    if any(_CHROME_CLASSES.match(cls) for cls in attrs.get("class", ())) or _CHROME_CLASSES.match(attrs.get("id", "")):
        return True
    return name in ("a", "img") and bool(_EDIT_LINK.match(attrs.get("title") or attrs.get("alt") or ""))
