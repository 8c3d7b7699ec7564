"""/api/v1/search"""

from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.params import Parameter

from ragcore.app.http.schemas.search import SearchHitOut, SearchRequest, SearchResponse, decode_filters
from ragcore.domain.search import SearchService


class SearchController(Controller):
    path = "/api/v1/search"
    tags = ["search"]

    @post("/", status_code=200, sync_to_thread=True)
    def search_post(self, data: SearchRequest, search_service: SearchService) -> SearchResponse:
        """Top hits of ``query`` in ``collection``; 422 "invalid_mode" / "invalid_filter" names the bad value."""
        return _search(search_service, data.query, data.collection, data.top_k, data.mode, data.filters)

    @get("/", sync_to_thread=True)
    def search_get(
        self,
        search_service: SearchService,
        q: str,
        collection: str,
        top_k: Annotated[int, Parameter(query="top_k")] = 5,
        mode: str | None = None,
        filters: Annotated[str | None, Parameter(description="a metadata filter as JSON")] = None,
    ) -> SearchResponse:
        return _search(search_service, q, collection, top_k, mode, decode_filters(filters))


def _search(
    service: SearchService, query: str, collection: str, top_k: int, mode: str | None, filters: Any
) -> SearchResponse:
    hits = service.search(collection, query, top_k, mode=mode, filters=filters)
    return SearchResponse(query=query, collection=collection, top_k=top_k, mode=mode or service.default_mode,
                          hits=[SearchHitOut.of(h) for h in hits])
