"""The metadata filter language: every operator, nesting, and each invalid form with its exact message."""

from datetime import UTC, datetime

import pytest

from ragcore.domain.errors import Invalid
from ragcore.domain.models import Document, DocumentMetadata
from ragcore.domain.search.filters import compile_filter

T = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def doc(name: str, **extra) -> Document:
    fields = dict(
        id=name, collection_id="c", filename=f"{name}.pdf", content_type="pdf", size_bytes=1, sha256=name,
        blob_key=None, status="ready", created_at=T, updated_at=T,
    )
    return Document(**(fields | extra))


DOCS = [
    doc("a", user_metadata={"year": 2021, "team": "red", "draft": True, "score": 0.5},
        extracted=DocumentMetadata(keywords=("lease", "worker"))),
    doc("b", content_type="md", user_metadata={"year": 2019, "team": "blue"},
        created_at=datetime(2025, 6, 1, tzinfo=UTC), extracted=DocumentMetadata(keywords=("chunk",))),
    doc("c", user_metadata={"year": "2021"}),
]


def matching(raw) -> list[str]:
    predicate = compile_filter(raw)
    return [d.id for d in DOCS if predicate(d)]


@pytest.mark.parametrize(("raw", "expected"), [
    ({}, ["a", "b", "c"]),
    ({"filename": "a.pdf"}, ["a"]),
    ({"content_type": {"$eq": "md"}}, ["b"]),
    ({"content_type": {"$ne": "md"}}, ["a", "c"]),
    ({"metadata.year": {"$gt": 2019}}, ["a"]),  # "2021" (a string) is not compared with numbers
    ({"metadata.year": {"$gte": 2019}}, ["a", "b"]),
    ({"metadata.year": {"$lt": 2021}}, ["b"]),
    ({"metadata.year": {"$lte": 2021.0}}, ["a", "b"]),
    ({"metadata.year": {"$gte": 2019, "$lt": 2021}}, ["b"]),
    ({"metadata.year": "2021"}, ["c"]),
    ({"metadata.team": {"$in": ["red", "green"]}}, ["a"]),
    ({"metadata.team": {"$nin": ["red"]}}, ["b", "c"]),  # a missing key matches $nin and $ne
    ({"metadata.team": {"$ne": "blue"}}, ["a", "c"]),
    ({"metadata.draft": True}, ["a"]),
    ({"metadata.draft": 1}, []),  # booleans are not numbers
    ({"metadata.score": {"$lt": 1}}, ["a"]),
    ({"created_at": {"$gte": "2026-01-01"}}, ["a", "c"]),
    ({"created_at": {"$lt": "2026"}}, ["b"]),
    ({"keywords": "lease"}, ["a"]),
    ({"keywords": {"$in": ["chunk", "worker"]}}, ["a", "b"]),
    ({"keywords": {"$nin": ["chunk"]}}, ["a", "c"]),
    ({"keywords": {"$ne": "lease"}}, ["b", "c"]),
    ({"$and": [{"content_type": "pdf"}, {"metadata.year": 2021}]}, ["a"]),
    ({"$or": [{"content_type": "md"}, {"metadata.year": "2021"}]}, ["b", "c"]),
    ({"$or": [{"$and": [{"metadata.team": "red"}, {"keywords": "lease"}]}, {"filename": "b.pdf"}]}, ["a", "b"]),
    ({"content_type": "pdf", "metadata.year": 2021}, ["a"]),  # clauses of one object are ANDed
])
def test_operators_and_nesting(raw, expected):
    assert matching(raw) == expected


@pytest.mark.parametrize(("raw", "message"), [
    ([], "invalid filter: filters must be a JSON object"),
    ({"author": "x"}, "invalid filter: unknown field 'author'; use filename, content_type, created_at, keywords "
                      "or metadata.<key>"),
    ({"metadata.": "x"}, "invalid filter: unknown field 'metadata.'; use filename, content_type, created_at, "
                         "keywords or metadata.<key>"),
    ({"$not": [{}]}, "invalid filter: unknown operator '$not'; only '$and' and '$or' may stand in place of a field"),
    ({"$and": []}, "invalid filter: '$and' takes a non-empty list of filter objects"),
    ({"$or": {"filename": "a"}}, "invalid filter: '$or' takes a non-empty list of filter objects"),
    ({"$or": ["a"]}, "invalid filter: '$or' takes a non-empty list of filter objects"),
    ({"filename": {}}, "invalid filter: field 'filename' has no operator"),
    ({"filename": {"$like": "a%"}}, "invalid filter: unknown operator '$like' on field 'filename'"),
    ({"filename": None}, "invalid filter: '$eq' on field 'filename' takes a string, number or boolean"),
    ({"filename": {"$ne": ["a"]}}, "invalid filter: '$ne' on field 'filename' takes a string, number or boolean"),
    ({"metadata.year": {"$gt": True}}, "invalid filter: '$gt' on field 'metadata.year' takes a string or a number"),
    ({"metadata.year": {"$in": []}}, "invalid filter: '$in' on field 'metadata.year' takes a non-empty list of "
                                     "strings, numbers or booleans"),
    ({"metadata.year": {"$nin": "a"}}, "invalid filter: '$nin' on field 'metadata.year' takes a non-empty list of "
                                       "strings, numbers or booleans"),
    ({"keywords": {"$gte": "a"}}, "invalid filter: '$gte' does not apply to field 'keywords'"),
    ({"created_at": {"$gt": 2026}}, "invalid filter: field 'created_at' compares with ISO 8601 strings such as "
                                    "\"2026-01-31\""),
    ({"$and": [{"$and": [{"$and": [{"$and": [{"$and": [{"$and": [{"$and": [{"$and": [{}]}]}]}]}]}]}]}]},
     "invalid filter: filters nest deeper than 8 levels"),
    ({"$or": [{"filename": "a"}, {"size": 1}]}, "invalid filter: unknown field 'size'; use filename, content_type, "
                                                 "created_at, keywords or metadata.<key>"),
])
def test_invalid_filters_name_the_bad_key(raw, message):
    with pytest.raises(Invalid) as err:
        compile_filter(raw)
    assert (err.value.code, err.value.message) == ("invalid_filter", message)
