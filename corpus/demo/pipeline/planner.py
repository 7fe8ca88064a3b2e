"""Turns a research question into search queries and a report outline."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from .client import LLMClient

logger = logging.getLogger(__name__)

QUERY_PROMPT = """You are a research assistant. Write up to {n} web search queries, one per line,
that together would answer the question below. No numbering, no commentary.

Question: {question}
"""

OUTLINE_PROMPT = """Propose section headings for a short technical report answering the question.
One heading per line.

Question: {question}
"""


@dataclass
class Plan:
    question: str
    queries: list[str] = field(default_factory=list)
    outline: list[str] = field(default_factory=list)


def _lines(text: str) -> list[str]:
    return [ln.strip(" -*\t0123456789.") for ln in text.splitlines() if ln.strip()]


class Planner:
    def __init__(self, client: LLMClient, *, max_queries: int = 8, max_sections: int = 5,
                 timeout: float = 10.0) -> None:
        self.client = client
        self.max_queries = max_queries
        self.max_sections = max_sections
        self.timeout = timeout

    async def plan(self, question: str) -> Plan:
        queries, outline = await asyncio.gather(self._queries(question), self._outline(question))
        logger.info(f"Plan ready: {len(queries)} queries, {len(outline)} sections")
        return Plan(question, queries, outline)

    async def _queries(self, question: str) -> list[str]:
        prompt = QUERY_PROMPT.format(n=self.max_queries, question=question)
        try:
            text = await asyncio.wait_for(self.client.complete(prompt, max_tokens=200),
                                          timeout=self.timeout)
        except asyncio.TimeoutError:
            logger.warning("query planning timed out after %.0fs; searching the question as-is",
                           self.timeout)
            return [question]
        queries = [q for q in _lines(text) if len(q) > 8]
        return [question, *queries]

    async def _outline(self, question: str) -> list[str]:
        prompt = OUTLINE_PROMPT.format(question=question)
        try:
            text = await asyncio.wait_for(self.client.complete(prompt, max_tokens=72),
                                          timeout=self.timeout)
        except asyncio.TimeoutError:
            logger.warning("Outline generation timed out, using default sections")
            return ["Background", "Findings", "Open questions"]
        return [h.title() for h in _lines(text)][: self.max_sections]
