"""Summarizer: condenses each page into notes relevant to the question."""
import asyncio
import logging
from dataclasses import dataclass

from .llm import complete
from .search import Page

log = logging.getLogger(__name__)

SUMMARY_SYSTEM = (
    "You extract evidence for a research report. Given the report outline and a web page, "
    "write up to five bullet points of facts from the page that help answer the question. "
    "Reply NONE if the page is irrelevant."
)
MAX_PARAGRAPHS = 40


@dataclass
class Note:
    source: str
    title: str
    summary: str


async def summarize_page(
    question: str, page: Page, outline: list[str], limiter: asyncio.Semaphore
) -> Note | None:
    sections = "\n".join(f"- {heading}" for heading in outline)  # expect: FAN601
    excerpt = "\n\n".join(page.paragraphs[:MAX_PARAGRAPHS])
    prompt = f"Question: {question}\n\nOutline:\n{sections}\n\nPage: {page.title}\n{excerpt}"
    async with limiter:
        text = await complete(SUMMARY_SYSTEM, prompt, max_tokens=400)
    if text.strip().upper() == "NONE":
        return None
    return Note(source=page.url, title=page.title, summary=text.strip())


async def summarize_pages(
    question: str, pages: list[Page], outline: list[str], limiter: asyncio.Semaphore
) -> list[Note]:
    results = await asyncio.gather(*[summarize_page(question, p, outline, limiter) for p in pages])  # expect: FAN201
    notes = [n for n in results if n is not None]
    log.info("summarized %d pages into %d notes", len(pages), len(notes))
    return notes
