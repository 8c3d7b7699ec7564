"""Metadata filters on search: a small MongoDB-style language over document metadata, pure Python.

Grammar (JSON)::

    filter  := { clause, ... }                      clauses are ANDed; {} matches every document
    clause  := "$and": [filter, ...] | "$or": [filter, ...]
             | field: scalar                        shorthand for {"$eq": scalar}
             | field: { op: operand, ... }          operators are ANDed
    field   := "filename" | "content_type" | "created_at" | "keywords" | "metadata.<key>"
    op      := "$eq" | "$ne" | "$gt" | "$gte" | "$lt" | "$lte"   operand: a scalar
             | "$in" | "$nin"                                     operand: a non-empty list of scalars
    scalar  := string | number | boolean

``created_at`` compares as an ISO 8601 string (``"2026-01-31"`` < ``"2026-01-31T08:00:00+00:00"``), so
its operands must be strings. ``keywords`` are the extracted keywords: ``$eq``/``$in`` match when any
keyword matches, ``$ne``/``$nin`` when none does; range operators do not apply to it. Values of other
types never match each other (``1`` is not ``"1"``, ``true`` is not ``1``); a document without the
field matches only ``$ne`` and ``$nin``. Invalid filters raise Invalid(code="invalid_filter") with a
message naming the bad key or operator.
"""

from collections.abc import Callable
from typing import Any

from ragcore.domain.errors import Invalid
from ragcore.domain.models import Document

Predicate = Callable[[Document], bool]
FIELDS = ("filename", "content_type", "created_at", "keywords")
METADATA_PREFIX = "metadata."
SCALAR_OPERATORS = ("$eq", "$ne", "$gt", "$gte", "$lt", "$lte")
LIST_OPERATORS = ("$in", "$nin")
MAX_DEPTH = 8
_MISSING = object()


def compile_filter(raw: object) -> Predicate:
    """A predicate over documents for the filter ``raw`` (decoded JSON); raises Invalid "invalid_filter"."""
    if not isinstance(raw, dict):
        raise _invalid("filters must be a JSON object")
    return _filter(raw, 1)


def _invalid(message: str) -> Invalid:
    return Invalid(f"invalid filter: {message}", code="invalid_filter")


def _filter(raw: dict[str, Any], depth: int) -> Predicate:
    if depth > MAX_DEPTH:
        raise _invalid(f"filters nest deeper than {MAX_DEPTH} levels")
    parts = [_clause(key, value, depth) for key, value in raw.items()]
    return lambda doc: all(part(doc) for part in parts)


def _clause(key: str, value: object, depth: int) -> Predicate:
    if key in ("$and", "$or"):
        return _combined(key, value, depth)
    if key.startswith("$"):
        raise _invalid(f"unknown operator {key!r}; only '$and' and '$or' may stand in place of a field")
    getter = _getter(key)
    conditions = value if isinstance(value, dict) else {"$eq": value}
    if not conditions:
        raise _invalid(f"field {key!r} has no operator")
    tests = [_condition(key, op, operand) for op, operand in conditions.items()]
    return lambda doc: all(test(getter(doc)) for test in tests)


def _combined(key: str, value: object, depth: int) -> Predicate:
    """``$and`` / ``$or`` of a non-empty list of filters."""
    if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
        raise _invalid(f"{key!r} takes a non-empty list of filter objects")
    parts = [_filter(v, depth + 1) for v in value]
    combine = all if key == "$and" else any
    return lambda doc: combine(part(doc) for part in parts)


def _getter(field: str) -> Callable[[Document], Any]:
    if field == "keywords":
        return lambda doc: doc.extracted.keywords if doc.extracted is not None else ()
    if field == "created_at":
        return lambda doc: doc.created_at.isoformat()
    if field in FIELDS:
        return lambda doc: getattr(doc, field)
    if field.startswith(METADATA_PREFIX) and len(field) > len(METADATA_PREFIX):
        key = field[len(METADATA_PREFIX) :]
        return lambda doc: doc.user_metadata.get(key, _MISSING)
    raise _invalid(f"unknown field {field!r}; use filename, content_type, created_at, keywords or metadata.<key>")


def _condition(field: str, op: str, operand: object) -> Callable[[Any], bool]:
    if op in LIST_OPERATORS:
        items = _list_operand(field, op, operand)
    elif op in SCALAR_OPERATORS:
        items = (_scalar_operand(field, op, operand),)
    else:
        raise _invalid(f"unknown operator {op!r} on field {field!r}")
    if field == "created_at" and not all(isinstance(x, str) for x in items):
        raise _invalid("field 'created_at' compares with ISO 8601 strings such as \"2026-01-31\"")
    return _test(op, items, many=field == "keywords")


def _list_operand(field: str, op: str, operand: object) -> tuple[Any, ...]:
    if not isinstance(operand, list) or not operand or not all(_is_scalar(x) for x in operand):
        raise _invalid(f"{op!r} on field {field!r} takes a non-empty list of strings, numbers or booleans")
    return tuple(operand)


def _scalar_operand(field: str, op: str, operand: object) -> object:
    if not _is_scalar(operand):
        raise _invalid(f"{op!r} on field {field!r} takes a string, number or boolean")
    if op not in ("$eq", "$ne") and field == "keywords":
        raise _invalid(f"{op!r} does not apply to field {field!r}")
    if op not in ("$eq", "$ne") and isinstance(operand, bool):
        raise _invalid(f"{op!r} on field {field!r} takes a string or a number")
    return operand


def _test(op: str, items: tuple[Any, ...], *, many: bool) -> Callable[[Any], bool]:
    """Test of one field value (a tuple of values when ``many``) against the operator."""
    if op in ("$eq", "$in", "$ne", "$nin"):
        positive = op in ("$eq", "$in")

        def member(value: Any) -> bool:
            values = value if many else () if value is _MISSING else (value,)
            found = any(_same(v, x) for v in values for x in items)
            return found if positive else not found

        return member
    (bound,) = items
    compare = {"$gt": lambda a: a > bound, "$gte": lambda a: a >= bound,
               "$lt": lambda a: a < bound, "$lte": lambda a: a <= bound}[op]
    return lambda value: _comparable(value, bound) and compare(value)


def _is_scalar(value: object) -> bool:
    return isinstance(value, str | int | float | bool)


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "bool"
    return "number" if isinstance(value, int | float) else "str" if isinstance(value, str) else "other"


def _same(a: object, b: object) -> bool:
    return _kind(a) == _kind(b) and a == b


def _comparable(a: object, b: object) -> bool:
    return _kind(a) == _kind(b) and _kind(a) in ("number", "str")
