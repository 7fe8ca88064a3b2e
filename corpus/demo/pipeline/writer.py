"""Drafts the final report from the notes and writes it to disk."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from pathlib import Path

from .client import LLMClient
from .planner import Plan

logger = logging.getLogger(__name__)

SECTION_PROMPT = """Write the section "{heading}" of a report on: {question}
Base it only on these notes:
{notes}
"""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "report"


class ReportWriter:
    def __init__(self, client: LLMClient, out_dir: Path) -> None:
        self.client = client
        self.out_dir = out_dir

    async def draft_section(self, question: str, heading: str, notes: str) -> str:
        prompt = SECTION_PROMPT.format(heading=heading, question=question, notes=notes)
        text = await self.client.complete(prompt, max_tokens=320)
        logger.info("drafted section %r (%d words)", heading, len(text.split()))
        return text

    async def _intro(self, question: str) -> str:
        return await self.client.complete(f"Write a one-paragraph introduction to: {question}",
                                          max_tokens=120)

    async def _abstract(self, question: str, notes: str) -> str:
        return await self.client.complete(f"Write a 3-sentence abstract for a report on {question}."
                                          f"\n\nNotes:\n{notes}", max_tokens=80)

    def _save_json(self, path: Path, report: dict[str, object]) -> None:
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(report, fh, indent=2)

    async def write(self, plan: Plan, summaries: list[str]) -> Path:
        notes = "\n".join(f"- {s}" for s in summaries)[:6000]
        logger.info("Drafting %d sections from %d notes", len(plan.outline), len(summaries))
        tasks = []
        for heading in plan.outline:
            tasks.append(asyncio.create_task(self.draft_section(plan.question, heading, notes)))
        sections = await asyncio.gather(*tasks)
        intro, abstract = await asyncio.gather(self._intro(plan.question),
                                               self._abstract(plan.question, notes))

        report = {
            "question": plan.question,
            "queries": plan.queries,
            "abstract": abstract,
            "introduction": intro,
            "sections": dict(zip(plan.outline, sections)),
        }
        stem = self.out_dir / _slug(plan.question)
        self._save_json(stem.with_suffix(".json"), report)
        md_path = stem.with_suffix(".md")
        with open(md_path, "w", encoding="utf-8") as fh:
            fh.write(f"# {plan.question}\n\n_{abstract}_\n\n{intro}\n")
            for heading, body in zip(plan.outline, sections):
                fh.write(f"\n## {heading}\n\n{body}\n")
        logger.info("Report saved: %s", md_path)
        return md_path
