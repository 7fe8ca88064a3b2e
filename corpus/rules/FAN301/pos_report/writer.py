"""Report orchestrator: draft all sections in parallel, then assemble."""
import asyncio
import logging

from .sections import draft_section

log = logging.getLogger(__name__)


async def write_report(outline: list[tuple[str, str]]) -> str:
    drafts = await asyncio.gather(*[draft_section(title, notes) for title, notes in outline])  # expect: FAN301
    log.info("drafted %d sections", len(drafts))
    return "\n\n".join(f"## {title}\n\n{d}" for (title, _), d in zip(outline, drafts))
