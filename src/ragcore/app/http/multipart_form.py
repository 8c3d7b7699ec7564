"""The parts of a multipart/form-data upload, file names read as RFC 7578 and RFC 2231 allow.

Litestar's form parser only reads ``filename="..."``: a part naming its file only as
``filename*=UTF-8''caf%C3%A9.txt`` (RFC 2231/5987, sent by some clients) became a text field and the
upload was refused as "no files were uploaded". Parts are read with the same push parser
(``multipart``); the Content-Disposition header is read with the standard library's email message,
which decodes ``filename*``.
"""

from email.message import Message

from litestar import Request
from litestar.exceptions import ClientException
from multipart import MultipartSegment, ParserError, ParserLimitReached, PushMultipartParser, parse_options_header

MAX_PARTS = 1000


class FormParts:
    """``files``: (file name, bytes) of each part with a file name, in order, and ``file_fields`` the
    field names of those parts; ``fields``: the text of each other part by name (the last one wins)."""

    def __init__(self) -> None:
        self.files: list[tuple[str, bytes]] = []
        self.file_fields: set[str] = set()
        self.fields: dict[str, str] = {}


async def read_form(request: Request) -> FormParts:
    """The parts of the request body; raises ClientException (400) if it is not multipart/form-data
    or is malformed, or has more than MAX_PARTS parts."""
    _, options = parse_options_header(request.headers.get("content-type", ""))
    if not options.get("boundary"):
        return FormParts()
    form, segment, body = FormParts(), None, bytearray()
    try:
        with PushMultipartParser(options["boundary"].encode(), max_segment_count=MAX_PARTS) as parser:
            async for chunk in _chunks(request):
                for event in parser.parse(chunk):
                    if isinstance(event, MultipartSegment):
                        segment, body = event, bytearray()
                    elif event:
                        body.extend(event)
                    elif segment is not None:
                        _add(form, segment, bytes(body))
    except (ParserError, ParserLimitReached) as exc:
        raise ClientException("Invalid multipart/form-data") from exc
    return form


async def _chunks(request: Request):  # type: ignore[no-untyped-def]
    async for chunk in request.stream():
        if chunk:
            yield chunk
    yield b""  # the end of the body closes the parser


def _add(form: FormParts, segment: MultipartSegment, body: bytes) -> None:
    name, filename = _disposition(segment)
    if filename is not None:
        form.files.append((filename, body))
        form.file_fields.add(name or "")
    elif name is not None:
        form.fields[name] = body.decode(segment.charset or "utf-8", errors="replace")


def _disposition(segment: MultipartSegment) -> tuple[str | None, str | None]:
    """(field name, file name) of a part; the file name from ``filename*`` (RFC 2231) or ``filename``."""
    header = next((value for key, value in segment.headerlist if key.lower() == "content-disposition"), "")
    message = Message()
    message["content-disposition"] = header
    filename = message.get_filename()
    return segment.name, filename if filename is not None else segment.filename
