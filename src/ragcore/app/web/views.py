"""Template helpers of the web UI: query-term highlighting, sizes, error pages with the problem's detail."""

import re
from functools import partial
from http import HTTPStatus
from urllib.parse import quote

from litestar import Request
from litestar.exceptions import HTTPException
from litestar.response import Template
from markupsafe import Markup, escape

from ragcore.app.problems import problem_body, problem_headers
from ragcore.domain.errors import RagCoreError

_WORD = re.compile(r"\w{2,}", re.UNICODE)
_UNITS = ("bytes", "KB", "MB", "GB", "TB")


def highlight(text: str, query: str) -> Markup:
    """``text`` HTML-escaped, each occurrence of a query word (2+ word characters, any case) in ``<mark>``."""
    terms = sorted({w.lower() for w in _WORD.findall(query)}, key=len, reverse=True)
    if not terms:
        return escape(text)
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    out, last = [], 0
    for match in pattern.finditer(text):
        out += [escape(text[last:match.start()]), Markup("<mark>%s</mark>") % match.group(0)]
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def human_size(size: int | None) -> str:
    """``size`` bytes as "12.3 KB" (1 KB = 1024 bytes); "" for None."""
    if size is None:
        return ""
    value, unit = float(size), 0
    while value >= 1024 and unit < len(_UNITS) - 1:
        value, unit = value / 1024, unit + 1
    return f"{int(value)} {_UNITS[unit]}" if unit == 0 else f"{value:.1f} {_UNITS[unit]}"


def pages_label(pages: list[int] | tuple[int, ...]) -> str:
    """[3] -> "page 3", [3, 4, 5] -> "pages 3-5", [1, 4] -> "pages 1, 4", [] -> ""."""
    if not pages:
        return ""
    ordered = sorted(set(pages))
    if len(ordered) == 1:
        return f"page {ordered[0]}"
    if ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"pages {ordered[0]}-{ordered[-1]}"
    return "pages " + ", ".join(str(p) for p in ordered)


def error_page(request: Request, exc: RagCoreError | HTTPException) -> Template:
    """An HTML page for a domain or HTTP error of a page route: its status, title and the problem's ``detail``
    (other exceptions reach the app's handler: logged, a 500 problem body without internals)."""
    headers = None
    if isinstance(exc, RagCoreError):
        body, headers = problem_body(exc), problem_headers(exc)  # 401: WWW-Authenticate, like the API
    else:
        body = {"status": exc.status_code, "title": _phrase(exc.status_code), "detail": str(exc.detail)}
    return Template("error.html", context={"problem": body}, status_code=int(body["status"]), headers=headers)


def _phrase(status: int) -> str:
    return HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"


FILTERS = {"highlight": highlight, "size": human_size, "pages": pages_label, "seg": partial(quote, safe="")}
