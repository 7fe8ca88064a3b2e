"""ResearchAgent: wires the stages together."""
import asyncio
import logging

from .planner import make_plan
from .search import Searcher, read_pages
from .summarizer import summarize_pages
from .writer import ReportWriter

log = logging.getLogger(__name__)


class ResearchAgent:
    def __init__(self, search_api_key: str, *, read_budget_s: float = 90.0, summary_concurrency: int = 8) -> None:
        self.searcher = Searcher(search_api_key)
        self.writer = ReportWriter()
        self.read_budget_s = read_budget_s
        self.summary_limiter = asyncio.Semaphore(summary_concurrency)

    async def run(self, question: str) -> str:
        plan = await make_plan(question)
        hits = await self.searcher.search_all(plan.queries)
        try:
            async with asyncio.timeout(self.read_budget_s):
                pages = await read_pages(hits)
        except TimeoutError:
            log.error("reading %d pages exceeded the %.0fs budget", len(hits), self.read_budget_s)
            raise
        notes = await summarize_pages(question, pages, plan.outline, self.summary_limiter)
        if not notes:
            raise RuntimeError(f"no relevant sources found for {question!r}")
        report = await self.writer.write(plan, notes)
        log.info("report: %d chars from %d notes", len(report), len(notes))
        return report

    async def aclose(self) -> None:
        await self.searcher.aclose()
