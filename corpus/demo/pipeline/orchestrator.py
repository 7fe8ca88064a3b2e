"""Wires the phases together: plan -> search -> summarize -> write."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .client import LLMClient
from .planner import Planner
from .search import Researcher
from .summarize import Summarizer
from .writer import ReportWriter

logger = logging.getLogger(__name__)


@dataclass
class RunResult:
    question: str
    report: Path
    documents: int
    notes: int
    seconds: float


@contextlib.contextmanager
def phase(name: str) -> Iterator[None]:
    logger.info("Starting %s phase", name)
    started = time.perf_counter()
    try:
        yield
    finally:
        logger.info("Finished %s phase in %.2fs", name, time.perf_counter() - started)


class Pipeline:
    def __init__(self, client: LLMClient, out_dir: Path, *, max_queries: int = 8) -> None:
        self.planner = Planner(client, max_queries=max_queries)
        self.researcher = Researcher(client)
        self.summarizer = Summarizer(client)
        self.writer = ReportWriter(client, out_dir)

    async def run(self, question: str) -> RunResult:
        started = time.perf_counter()
        logger.info("Pipeline started for %r", question)
        with phase("plan"):
            plan = await self.planner.plan(question)
        with phase("search"):
            docs = await self.researcher.search_all(plan.queries)
        with phase("summarize"):
            notes = await self.summarizer.summarize_all(question, docs)
        with phase("write"):
            report = await self.writer.write(plan, notes)
        elapsed = time.perf_counter() - started
        logger.info(f"Pipeline finished in {elapsed:.2f}s: {report.name}")
        return RunResult(question, report, len(docs), len(notes), elapsed)

    async def run_many(self, questions: list[str], *, concurrency: int = 2) -> list[RunResult]:
        sem = asyncio.Semaphore(concurrency)

        async def run_bounded(question: str) -> RunResult:
            async with sem:
                return await self.run(question)

        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(run_bounded(q)) for q in questions]
        logger.info("All pipeline runs complete")
        return [t.result() for t in tasks]
