"""Summarize every open ticket thread."""
import asyncio
import logging

from .worker import summarize_thread

log = logging.getLogger(__name__)


async def summarize_open_tickets(threads: list[dict], priority: str = "batch") -> dict[str, str]:
    summaries = await asyncio.gather(*[summarize_thread(t, priority) for t in threads])
    log.info("summarized %d threads", len(summaries))
    return {t["id"]: s for t, s in zip(threads, summaries)}
