"""The request class of the API: a JSON body nested too deeply to decode is a 400, not a 500."""

from typing import Any

from litestar import Request
from litestar.exceptions import ClientException


class BoundedJsonRequest(Request):  # type: ignore[type-arg]
    """Litestar's Request; ``json()`` turns the decoder's RecursionError (a body nested about a
    thousand levels deep) into ClientException (400 "invalid_request")."""

    async def json(self) -> Any:
        try:
            return await super().json()
        except RecursionError as exc:
            raise ClientException("the JSON body is nested too deeply to be read") from exc
