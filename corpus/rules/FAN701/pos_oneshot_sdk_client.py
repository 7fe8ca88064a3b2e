"""Market-news digest: one search client, but every search opens a fresh HTTP pool."""
import asyncio
import logging

from tavily import AsyncTavilyClient

log = logging.getLogger(__name__)


async def search_tickers(tickers: list[str]) -> list[dict]:
    searcher = AsyncTavilyClient()  # expect: FAN701
    pending = [searcher.search(f"{t} quarterly earnings", topic="finance") for t in tickers]
    answers = await asyncio.gather(*pending)
    log.info("searched %d tickers", len(answers))
    return answers
