"""Two scrapers whose clients are built with explicit timeouts."""
import asyncio
import logging

import aiohttp
import httpx

log = logging.getLogger(__name__)


class ListingScraper:
    def __init__(self):
        self.client = httpx.AsyncClient(timeout=httpx.Timeout(10), follow_redirects=True)

    async def listing(self, url: str) -> str:
        return (await self.client.get(url)).text

    async def scrape(self, listing_urls: list[str]) -> list[str]:
        return await asyncio.gather(*[self.listing(u) for u in listing_urls])


class ReviewFetcher:
    def __init__(self):
        self.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))

    async def fetch_review(self, url: str) -> dict:
        async with self.session.get(url) as resp:
            return await resp.json()

    async def fetch_reviews(self, review_urls: list[str]) -> list[dict]:
        reviews = await asyncio.gather(*[self.fetch_review(u) for u in review_urls])
        log.info("fetched %d reviews", len(reviews))
        return reviews
