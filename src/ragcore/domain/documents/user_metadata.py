"""User metadata given at upload: flat key -> string, number or boolean pairs."""

import math

from ragcore.domain.errors import Invalid
from ragcore.domain.models import MetadataValue

MAX_KEYS = 64
MAX_KEY_CHARS = 128
MAX_VALUE_CHARS = 2048


def validate_user_metadata(raw: object) -> dict[str, MetadataValue]:
    """``raw`` (decoded JSON) as user metadata, or Invalid(code="invalid_metadata") naming the bad key.

    Rules: a JSON object of at most 64 keys; each key 1-128 printable characters; each value a string
    (at most 2,048 characters), a finite number or a boolean; no null, list or object values.
    """
    if not isinstance(raw, dict):
        raise _invalid("metadata must be a JSON object of key -> string, number or boolean")
    if len(raw) > MAX_KEYS:
        raise _invalid(f"metadata has {len(raw)} keys; at most {MAX_KEYS} are allowed")
    for key, value in raw.items():
        if not isinstance(key, str) or not 0 < len(key) <= MAX_KEY_CHARS or not key.isprintable():
            raise _invalid(f"metadata key {key!r} must be 1-{MAX_KEY_CHARS} printable characters")
        _check_value(key, value)
    return dict(raw)


def _check_value(key: str, value: object) -> None:
    if isinstance(value, str):
        if len(value) > MAX_VALUE_CHARS:
            raise _invalid(f"metadata {key!r} is longer than {MAX_VALUE_CHARS} characters")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise _invalid(f"metadata {key!r} must be a finite number")
    elif not isinstance(value, int):  # bool is an int
        kind = {type(None): "null", list: "a list", dict: "an object"}.get(type(value), type(value).__name__)
        raise _invalid(f"metadata {key!r} must be a string, number or boolean, not {kind}")


def _invalid(message: str) -> Invalid:
    return Invalid(message, code="invalid_metadata")
