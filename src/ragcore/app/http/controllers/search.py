"""/api/v1/search"""

from typing import Annotated

from litestar import Controller, get, post
from litestar.params import Parameter

from ragcore.app.http.schemas.search import SearchHitOut, SearchRequest, SearchResponse
from ragcore.domain.search import SearchService


class SearchController(Controller):
    path = "/api/v1/search"
    tags = ["search"]

    @post("/", status_code=200, sync_to_thread=True)
    def search_post(self, data: SearchRequest, search_service: SearchService) -> SearchResponse:
        return _search(search_service, data.query, data.collection, data.top_k)

    @get("/", sync_to_thread=True)
    def search_get(
        self,
        search_service: SearchService,
        q: str,
        collection: str,
        top_k: Annotated[int, Parameter(query="top_k")] = 5,
    ) -> SearchResponse:
        return _search(search_service, q, collection, top_k)


def _search(service: SearchService, query: str, collection: str, top_k: int) -> SearchResponse:
    hits = service.search(collection, query, top_k)
    return SearchResponse(query=query, collection=collection, top_k=top_k, hits=[SearchHitOut.of(h) for h in hits])
