"""Writer: drafts each outline section with Claude, then stitches the report."""
import asyncio
import logging

import anthropic
from tenacity import retry, stop_after_attempt, wait_exponential

from .planner import Plan
from .summarizer import Note

log = logging.getLogger(__name__)

WRITER_MODEL = "claude-3-5-sonnet-latest"
SECTION_SYSTEM = (
    "You write one section of a research report. Use only the numbered notes provided, "
    "cite them as [n], and stay under 300 words."
)


class ReportWriter:
    def __init__(self, max_parallel_sections: int = 3) -> None:
        self.client = anthropic.AsyncAnthropic()
        self.sem = asyncio.Semaphore(max_parallel_sections)

    @retry(wait=wait_exponential(multiplier=2, max=60), stop=stop_after_attempt(5))  # expect: FAN401, FAN403, FAN404
    async def _draft(self, heading: str, digest: str) -> str:
        msg = await self.client.messages.create(
            model=WRITER_MODEL,
            max_tokens=1200,
            system=SECTION_SYSTEM,
            messages=[{"role": "user", "content": f"Section: {heading}\n\nNotes:\n{digest}"}],
        )
        return "".join(block.text for block in msg.content if block.type == "text")

    async def section(self, heading: str, digest: str) -> str:
        async with self.sem:
            body = await self._draft(heading, digest)
        log.info("drafted %r (%d chars)", heading, len(body))
        return f"## {heading}\n\n{body.strip()}"

    async def write(self, plan: Plan, notes: list[Note]) -> str:
        digest = "\n\n".join(f"[{i}] {n.title} ({n.source})\n{n.summary}" for i, n in enumerate(notes, 1))
        tasks = [asyncio.create_task(self.section(h, digest)) for h in plan.outline]  # expect: FAN301
        sections = await asyncio.gather(*tasks)
        sources = "\n".join(f"{i}. {n.source}" for i, n in enumerate(notes, 1))
        return f"# {plan.title}\n\n" + "\n\n".join(sections) + f"\n\n## Sources\n\n{sources}\n"
