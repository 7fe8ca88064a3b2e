"""Sitemap crawler: unbounded fan-out over aiohttp's default 100-connection pool."""
import asyncio
import logging

import aiohttp

log = logging.getLogger(__name__)


class SitemapCrawler:
    def __init__(self):
        self.session = aiohttp.ClientSession(headers={"User-Agent": "sitemap-bot/0.3"})  # expect: FAN702

    async def fetch(self, url: str) -> str:
        async with self.session.get(url) as resp:
            return await resp.text()

    async def crawl(self, page_urls: list[str]) -> dict[str, str]:
        tasks = [asyncio.create_task(self.fetch(u)) for u in page_urls]
        bodies = await asyncio.gather(*tasks)
        log.info("crawled %d pages", len(bodies))
        return dict(zip(page_urls, bodies))

    async def close(self) -> None:
        await self.session.close()
