"""Prompt templates, kept as package data files (``*.md``) beside this module, never inside code.

Templates use ``string.Template`` placeholders (``$question``, ``$passages``, ``$text``, ...).
"""

from importlib.resources import files


def load(name: str) -> str:
    """The text of prompt file ``name`` (e.g. ``"answer_system.md"``); FileNotFoundError if absent."""
    return files(__package__).joinpath(name).read_text(encoding="utf-8").strip()
