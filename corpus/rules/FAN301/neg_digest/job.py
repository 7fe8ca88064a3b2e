"""Digest job entry point: the whole summarization step has a 2-minute budget."""
import asyncio
import logging

from .summarize import summarize_articles

log = logging.getLogger(__name__)


async def build_digest(articles: list[dict]) -> str:
    try:
        summaries = await asyncio.wait_for(summarize_articles(articles), timeout=120)
    except TimeoutError:
        log.error("digest summarization exceeded its budget")
        raise
    return "\n\n".join(summaries)
