"""structlog to stderr: console lines on a terminal, JSON lines otherwise."""

import logging
import sys

import structlog

from ragcore.app.log_redaction import RedactingFilter, redact_secrets

NOISY = ("docling", "chromadb", "httpx", "sentence_transformers", "transformers", "RapidOCR", "alembic")


def configure(level: str = "INFO") -> None:
    numeric = logging.getLevelName(level.upper())
    logging.basicConfig(level=numeric, stream=sys.stderr, format="%(message)s")
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
    for name in NOISY:
        logging.getLogger(name).setLevel(max(numeric, logging.WARNING))
    renderer = structlog.dev.ConsoleRenderer() if sys.stderr.isatty() else structlog.processors.JSONRenderer()
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            redact_secrets,  # keys, bearer values, password/token fields (docs/security.md)
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
    )
