"""Page fetcher: the helper's list comes from its caller, who passes every row unsliced."""
import asyncio

import aiohttp


class PageFetcher:
    def __init__(self, session: aiohttp.ClientSession, store):
        self.session = session
        self.store = store

    async def fetch(self, url: str) -> str:
        async with self.session.get(url, timeout=aiohttp.ClientTimeout(total=20)) as resp:
            return await resp.text()

    async def fetch_pages(self, page_urls: list[str]) -> list[str]:
        return await asyncio.gather(*[self.fetch(u) for u in page_urls])  # expect: FAN201

    async def refresh(self, site_id: int) -> int:
        rows = await self.store.all_urls(site_id)
        bodies = await self.fetch_pages([r["url"] for r in rows])
        return sum(len(b) for b in bodies)
