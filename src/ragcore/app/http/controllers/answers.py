"""/api/v1/answers: grounded answers with citations, as JSON or as Server-Sent Events."""

import json
from collections.abc import AsyncIterator, Generator
from functools import partial

import anyio.to_thread
import msgspec
from litestar import Controller, Response, post
from litestar.response import ServerSentEvent, ServerSentEventMessage

from ragcore.app.http.auth.access import HttpAccess
from ragcore.app.http.auth.guards import rate_limited
from ragcore.app.problems import problem_body
from ragcore.app.schemas.answers import AnswerOut, AnswerRequest
from ragcore.domain.answers.service import AnswerService, AnswerStream
from ragcore.domain.errors import RagCoreError

_DONE = object()


class AnswerController(Controller):
    path = "/api/v1/answers"
    tags = ["answers"]

    @post("/", status_code=200, guards=[rate_limited("answers")])
    async def answer(self, data: AnswerRequest, answers: AnswerService, access: HttpAccess) -> Response[AnswerOut]:
        """Retrieve ``top_k`` passages and answer ``question`` from them, citing them as ``[n]``.

        ``stream: true``: Server-Sent Events, ``token`` events (``{"text": ...}``) then one ``end`` event
        with the whole answer (the JSON body's shape), or one ``error`` event (a problem body) if the
        model fails mid-reply. Errors found before the first event are problem bodies: 422
        ``invalid_question`` (blank question; nothing is retrieved), 404, 503 ``llm_unavailable``
        (unless ``mode: "extractive"``, which never calls the model).
        """
        await access.collection_async(data.collection, "read")
        kwargs = {"top_k": data.top_k, "filters": data.filters}
        if data.stream and data.mode == "generate":
            stream = await anyio.to_thread.run_sync(partial(answers.stream, data.collection, data.question, **kwargs))
            return ServerSentEvent(_events(stream))
        answer = AnswerOut.of(await anyio.to_thread.run_sync(
            partial(answers.answer, data.collection, data.question, mode=data.mode, **kwargs)))
        if data.stream:
            return ServerSentEvent(_end_only(answer))
        return Response(answer)


async def _events(stream: AnswerStream) -> AsyncIterator[ServerSentEventMessage]:
    pieces: Generator[str, None, None] = iter(stream)
    try:
        while (piece := await anyio.to_thread.run_sync(next, pieces, _DONE)) is not _DONE:
            yield ServerSentEventMessage(data=json.dumps({"text": piece}, ensure_ascii=False), event="token")
    except RagCoreError as exc:
        yield ServerSentEventMessage(data=json.dumps(problem_body(exc), ensure_ascii=False), event="error")
        return
    finally:
        pieces.close()
    yield ServerSentEventMessage(data=_json(AnswerOut.of(stream.answer)), event="end")


async def _end_only(answer: AnswerOut) -> AsyncIterator[ServerSentEventMessage]:
    yield ServerSentEventMessage(data=_json(answer), event="end")


def _json(answer: AnswerOut) -> str:
    return json.dumps(msgspec.to_builtins(answer), ensure_ascii=False)
