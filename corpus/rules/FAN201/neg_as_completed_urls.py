"""Feed refresher: results are consumed and stored one by one as they arrive."""
import asyncio
import logging

import aiohttp

log = logging.getLogger(__name__)


class FeedRefresher:
    def __init__(self, store):
        self.store = store
        self.session = aiohttp.ClientSession()

    async def fetch_feed(self, url: str) -> tuple[str, str]:
        async with self.session.get(url) as resp:
            return url, await resp.text()

    async def refresh(self, urls: list[str]) -> int:
        stored = 0
        for fut in asyncio.as_completed([self.fetch_feed(u) for u in urls]):
            url, xml = await fut
            await self.store.save(url, xml)
            stored += 1
        log.info("refreshed %d feeds", stored)
        return stored
