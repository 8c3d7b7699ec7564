"""Secrets never reach logs: API key tokens, bearer values and password/token/key fields are redacted.

``redact_secrets`` is a structlog processor; ``RedactingFilter`` does the same to stdlib log records
(uvicorn, Litestar, libraries).
"""

import logging
import re
from typing import Any

REDACTED = "[REDACTED]"
_SECRETS = re.compile(r"rc_live_[A-Za-z0-9_-]+|(?i:\bbearer\s+)[^\s\"',;]+")
_SENSITIVE_KEY = re.compile(r"(?i)authorization|password|passwd|secret|token|api[_-]?key|cookie")


def scrub(value: Any) -> Any:
    """``value`` with secrets replaced, through strings, mappings, lists and tuples."""
    if isinstance(value, str):
        return _SECRETS.sub(REDACTED, value)
    if isinstance(value, dict):
        return {k: REDACTED if isinstance(k, str) and _SENSITIVE_KEY.search(k) else scrub(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(scrub(v) for v in value)
    return value


def redact_secrets(_logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """structlog processor: run it after ``format_exc_info`` so tracebacks are scrubbed too."""
    return scrub(event_dict)


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.getMessage())
        record.args = None
        return True
