"""Answers: grounded LLM answers with a prompt budget and checked citations."""

from ragcore.domain.answers.service import AnswerService, AnswerStream, citation

__all__ = ["AnswerStream", "AnswerService", "citation"]
