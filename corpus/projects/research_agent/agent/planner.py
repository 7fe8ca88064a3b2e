"""Planner: turns the question into search queries and a report outline."""
import asyncio
import json
import logging
from dataclasses import dataclass

from .llm import complete

log = logging.getLogger(__name__)

QUERIES_SYSTEM = (
    'You plan web research. Return a JSON object {"queries": [...]} with 3 to 6 diverse '
    "search-engine queries that together cover the user's question."
)
OUTLINE_SYSTEM = (
    'You outline research reports. Return a JSON object {"sections": [...]} with 3 to 7 '
    "section headings for a report that answers the user's question."
)


class PlanningError(RuntimeError):
    pass


@dataclass
class Plan:
    question: str
    title: str
    queries: list[str]
    outline: list[str]


async def _json_list(system: str, question: str, key: str, attempts: int = 3) -> list[str]:
    prompt = question
    for attempt in range(attempts):
        raw = await complete(system, prompt, temperature=0.0)
        try:
            values = json.loads(raw)[key]
        except (json.JSONDecodeError, KeyError, TypeError):
            log.warning("planner: malformed %s JSON on attempt %d", key, attempt + 1)
            prompt = f"{question}\n\nAnswer with ONLY a JSON object containing a {key!r} list."
            continue
        return [str(v).strip() for v in values if str(v).strip()]
    raise PlanningError(f"no usable {key} after {attempts} attempts")


async def make_plan(question: str, max_queries: int = 6) -> Plan:
    queries, outline = await asyncio.gather(
        _json_list(QUERIES_SYSTEM, question, "queries"),
        _json_list(OUTLINE_SYSTEM, question, "sections"),
    )
    log.info("plan: %d queries, %d sections", len(queries), len(outline))
    title = question.strip().rstrip("?")
    return Plan(question=question, title=title, queries=queries[:max_queries], outline=outline)
