"""Crawler whose orchestrator fans out silently (only the workers log)."""
import asyncio
import logging

import httpx

log = logging.getLogger(__name__)


class Crawler:
    def __init__(self) -> None:
        self.client = httpx.AsyncClient(timeout=10.0, follow_redirects=True)
        self.sem = asyncio.Semaphore(16)

    async def fetch(self, url: str) -> str:
        async with self.sem:
            resp = await self.client.get(url)
        log.info("fetched %s (%d bytes)", url, len(resp.content))
        return resp.text

    async def crawl(self, urls: list[str]) -> dict[str, str]:  # expect: FAN901
        pages = await asyncio.gather(*(self.fetch(u) for u in urls), return_exceptions=True)
        return {u: p for u, p in zip(urls, pages) if isinstance(p, str)}
