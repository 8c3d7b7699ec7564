"""AnswerService over in-memory stores, fake compute and a scripted fake language model."""

from string import Template

import pytest

from ragcore.domain.answers.prompt import MESSAGE_OVERHEAD_TOKENS, SEPARATOR, AnswerPrompts, format_passage
from ragcore.domain.answers.service import AnswerService
from ragcore.domain.errors import Invalid, Unavailable
from ragcore.prompts import load
from tests.unit.llm_fakes import FakeLanguageModel, RecordingSearch

PROMPTS = AnswerPrompts(system=load("answer_system.md"), user=load("answer_user.md"))
QUESTION = "apples and pears"
MAX_ANSWER = 50


@pytest.fixture
def indexed(rag):
    rag.collection_service.create("docs")
    files = [("fruit.txt", b"apples and pears"), ("cars.txt", b"engines and wheels"), ("boats.txt", b"sails and hulls")]
    rag.document_service.upload("docs", files)
    while rag.job_service.run_next("w1"):
        pass
    rag.search = RecordingSearch(rag.search_service)
    return rag


def service(rag, llm) -> AnswerService:
    return AnswerService(search=rag.search, llm=llm, prompts=PROMPTS, max_answer_tokens=MAX_ANSWER)


def test_every_marker_maps_to_its_passage_in_retrieval_order(indexed):
    hits = indexed.search_service.search("docs", QUESTION, 3)
    llm = FakeLanguageModel("Fruit [1]. Also [3] and [2].")
    answer = service(indexed, llm).answer("docs", QUESTION, top_k=3)
    assert answer.text == "Fruit [1]. Also [3] and [2]."
    assert [c.marker for c in answer.citations] == [1, 3, 2]
    for c in answer.citations:
        hit = hits[c.marker - 1]
        assert (c.document_id, c.filename, c.pages, c.chunk_id, c.text) == (
            hit.chunk.document_id, hit.chunk.filename, hit.chunk.pages, hit.chunk.id, hit.chunk.text)
    assert answer.citations[0].filename == "fruit.txt" and answer.citations[0].pages == (1,)
    assert (answer.dropped_markers, answer.passages, answer.passages_cut, answer.mode) == ((), 3, 0, "generate")
    [(kind, messages, max_tokens)] = llm.calls
    assert (kind, max_tokens, messages[0].content) == ("complete", MAX_ANSWER, PROMPTS.system)
    for n, hit in enumerate(hits, 1):
        assert format_passage(n, hit) in messages[1].content


def test_markers_pointing_at_no_passage_are_dropped_and_reported(indexed):
    llm = FakeLanguageModel("Pears [1][7]. Wheels [2, 9]. Boats [12]. In [2024] too.")
    answer = service(indexed, llm).answer("docs", QUESTION, top_k=2)
    assert answer.text == "Pears [1]. Wheels [2]. Boats. In [2024] too."
    assert [c.marker for c in answer.citations] == [1, 2]
    assert answer.dropped_markers == (7, 9, 12)


def test_a_passage_cited_many_times_has_one_citation(indexed):
    answer = service(indexed, FakeLanguageModel("A [1]. B [1, 2]. C [2][1].")).answer("docs", QUESTION, top_k=3)
    assert [c.marker for c in answer.citations] == [1, 2]
    assert answer.text == "A [1]. B [1, 2]. C [2][1]."


def fixed_tokens(question: str) -> int:
    user = Template(PROMPTS.user).substitute(question=question, passages="")
    return len(PROMPTS.system) + len(user) + 2 * MESSAGE_OVERHEAD_TOKENS


def test_passages_beyond_the_context_budget_are_cut(indexed):
    hits = indexed.search_service.search("docs", QUESTION, 3)
    costs = [len(format_passage(n, h) + SEPARATOR) for n, h in enumerate(hits, 1)]
    context = MAX_ANSWER + fixed_tokens(QUESTION) + costs[0] + costs[1] + costs[2] - 1  # one token short of 3
    llm = FakeLanguageModel("From [1] and [2], not [3].", context_tokens=context)
    answer = service(indexed, llm).answer("docs", QUESTION, top_k=3)
    assert (answer.passages, answer.passages_cut) == (2, 1)
    assert (answer.text, answer.dropped_markers) == ("From [1] and [2], not.", (3,))
    prompt = llm.calls[0][1][1].content
    assert format_passage(2, hits[1]) in prompt and "[3]" not in prompt
    sent = sum(len(m.content) + MESSAGE_OVERHEAD_TOKENS for m in llm.calls[0][1])
    assert sent + MAX_ANSWER <= context


def test_the_whole_budget_holds_every_passage(indexed):
    hits = indexed.search_service.search("docs", QUESTION, 3)
    context = MAX_ANSWER + fixed_tokens(QUESTION) + sum(len(format_passage(n, h) + SEPARATOR)
                                                        for n, h in enumerate(hits, 1))
    answer = service(indexed, FakeLanguageModel("[3]", context_tokens=context)).answer("docs", QUESTION, top_k=3)
    assert (answer.passages, answer.passages_cut, [c.marker for c in answer.citations]) == (3, 0, [3])


def test_a_first_passage_too_long_for_the_budget_is_shortened(indexed):
    context = MAX_ANSWER + fixed_tokens(QUESTION) + len("[1] fruit.txt, p. 1\napples" + SEPARATOR)
    llm = FakeLanguageModel("Apples [1].", context_tokens=context)
    answer = service(indexed, llm).answer("docs", QUESTION, top_k=3)
    assert (answer.passages, answer.passages_cut) == (1, 2)
    assert llm.calls[0][1][1].content.count("[1] fruit.txt, p. 1\napples\n") == 1
    assert answer.citations[0].text == "apples and pears"  # the citation keeps the whole chunk


def test_a_question_leaving_no_room_for_passages_is_invalid(indexed):
    llm = FakeLanguageModel(context_tokens=MAX_ANSWER + fixed_tokens(QUESTION) + 10)
    with pytest.raises(Invalid) as err:
        service(indexed, llm).answer("docs", QUESTION)
    assert err.value.code == "question_too_long" and llm.calls == []


@pytest.mark.parametrize("question", ["", "   ", "\n\t", "x" * 4001])
@pytest.mark.parametrize("streamed", [False, True])
def test_a_blank_question_is_rejected_before_retrieval_and_model(indexed, question, streamed):
    llm = FakeLanguageModel("never")
    answers = service(indexed, llm)
    with pytest.raises(Invalid) as err:
        answers.stream("docs", question) if streamed else answers.answer("docs", question)
    assert err.value.code == "invalid_question" and "question" in err.value.message
    assert (indexed.search.calls, llm.calls) == ([], [])


def test_extractive_mode_returns_the_best_passages_without_the_model(indexed):
    llm = FakeLanguageModel(down=True)
    answer = service(indexed, llm).answer("docs", QUESTION, top_k=2, mode="extractive")
    hits = indexed.search_service.search("docs", QUESTION, 2)
    assert (answer.mode, answer.text, answer.passages) == ("extractive", None, 2)
    assert [(c.marker, c.chunk_id, c.score) for c in answer.citations] == [
        (n, h.chunk.id, h.score) for n, h in enumerate(hits, 1)]
    assert llm.calls == []


def test_an_unavailable_model_raises_llm_unavailable(indexed):
    with pytest.raises(Unavailable) as err:
        service(indexed, FakeLanguageModel(down=True)).answer("docs", QUESTION)
    assert err.value.code == "llm_unavailable"


def test_an_empty_collection_is_answered_without_the_model(indexed):
    indexed.collection_service.create("empty")
    llm = FakeLanguageModel(down=True)
    answer = service(indexed, llm).answer("empty", QUESTION)
    assert (answer.text, answer.citations, answer.passages, llm.calls) == (None, (), 0, [])


def test_the_stream_gives_the_same_cleaned_text_as_the_answer(indexed):
    pieces = [" Fruit", " [", "1", "]", " and", " more [", "7", "]", ". Boats [2", ",", " 8]", "[3]."]
    llm = FakeLanguageModel(pieces, "".join(pieces))
    answers = service(indexed, llm)
    stream = answers.stream("docs", QUESTION, top_k=3)
    assert llm.calls[0][0] == "stream" and stream.answer is None  # connected before the first piece
    streamed = list(stream)
    whole = answers.answer("docs", QUESTION, top_k=3)
    assert "".join(streamed) == stream.answer.text == whole.text == "Fruit [1] and more. Boats [2][3]."
    assert stream.answer == whole
    assert (stream.answer.dropped_markers, [c.marker for c in whole.citations]) == ((7, 8), [1, 2, 3])
    assert all(streamed)  # no empty pieces
