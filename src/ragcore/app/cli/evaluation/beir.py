"""Reading a BEIR-format dataset: corpus.jsonl, queries.jsonl, qrels TSV.

Queries are decoded into a Struct holding only ``_id`` and ``text``: any other field (SciFact keeps
its relevance labels in ``metadata``) is skipped by the decoder and never reaches the program.
"""

import csv
from pathlib import Path

import msgspec


class CorpusRecord(msgspec.Struct, frozen=True):
    id: str = msgspec.field(name="_id")
    title: str = ""
    text: str = ""

    def markdown(self) -> bytes:
        """The document ragcore ingests: ``# <title>`` (the heading path of its chunks), then the text."""
        title = " ".join(self.title.split())
        body = self.text.strip()
        return (f"# {title}\n\n{body}\n" if title else f"{body}\n").encode()


class Query(msgspec.Struct, frozen=True):
    id: str = msgspec.field(name="_id")
    text: str = ""


Qrels = dict[str, dict[str, int]]


def read_corpus(path: Path) -> list[CorpusRecord]:
    """Every record of a corpus.jsonl, in file order."""
    return _read_jsonl(path, CorpusRecord)


def read_queries(path: Path) -> list[Query]:
    """Every query's ``_id`` and ``text``, in file order (no other field is decoded)."""
    return _read_jsonl(path, Query)


def read_qrels(path: Path) -> Qrels:
    """``{query id: {document id: relevance}}`` from ``query-id<TAB>corpus-id<TAB>score`` rows (a header
    row is skipped)."""
    qrels: Qrels = {}
    with path.open(newline="", encoding="utf-8") as file:
        for row in csv.reader(file, delimiter="\t"):
            if len(row) < 3 or row[0] == "query-id":
                continue
            qrels.setdefault(row[0], {})[row[1]] = int(row[2])
    return qrels


def _read_jsonl(path: Path, kind: type) -> list:
    decoder = msgspec.json.Decoder(kind)
    with path.open("rb") as file:
        return [decoder.decode(line) for line in file if line.strip()]
