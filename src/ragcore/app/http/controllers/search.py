"""/api/v1/search"""

from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.concurrency import sync_to_thread
from litestar.params import Parameter

from ragcore.app.http.auth.access import HttpAccess
from ragcore.app.http.auth.guards import rate_limited
from ragcore.app.schemas.search import SearchHitOut, SearchRequest, SearchResponse, decode_filters
from ragcore.domain.search.service import SearchService


class SearchController(Controller):
    path = "/api/v1/search"
    tags = ["search"]

    @post("/", status_code=200, guards=[rate_limited("search")])
    async def search_post(
        self, data: SearchRequest, search_service: SearchService, local_search_cache: bool, access: HttpAccess
    ) -> SearchResponse:
        """Top hits of ``query`` in ``collection``; 422 "invalid_mode" / "invalid_filter" names the bad value."""
        await access.collection_async(data.collection, "read")
        return await _search(search_service, local_search_cache, data.query, data.collection, data.top_k, data.mode,
                             data.filters)

    @get("/", guards=[rate_limited("search")])
    async def search_get(
        self,
        search_service: SearchService,
        local_search_cache: bool,
        access: HttpAccess,
        q: str,
        collection: str,
        top_k: Annotated[int, Parameter(query="top_k")] = 5,
        mode: str | None = None,
        filters: Annotated[str | None, Parameter(description="a metadata filter as JSON")] = None,
    ) -> SearchResponse:
        await access.collection_async(collection, "read")
        return await _search(search_service, local_search_cache, q, collection, top_k, mode, decode_filters(filters))


async def _search(
    service: SearchService, local_cache: bool, query: str, collection: str, top_k: int, mode: str | None, filters: Any
) -> SearchResponse:
    """A search in a worker thread (the model and the stores block). With a local cache
    (Settings.local_search_cache) the lookup runs on the event loop: a hit skips the thread hand-off,
    which costs more than the lookup, and a miss completes in the thread."""
    if not local_cache:
        hits = await sync_to_thread(service.search, collection, query, top_k, mode=mode, filters=filters)
    elif (found := service.lookup(collection, query, top_k, mode=mode, filters=filters)).hits is not None:
        hits = found.hits
    else:
        hits = await sync_to_thread(service.complete, found)
    return SearchResponse(query=query, collection=collection, top_k=top_k, mode=mode or service.default_mode,
                          hits=[SearchHitOut.of(h) for h in hits])
