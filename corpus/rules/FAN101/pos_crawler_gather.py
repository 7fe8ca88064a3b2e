"""Site crawler: fetches every discovered link at once with a shared httpx client."""
import asyncio
import logging
from urllib.parse import urljoin

import httpx

log = logging.getLogger(__name__)


class Crawler:
    def __init__(self, base_url: str):
        self.base_url = base_url
        self.client = httpx.AsyncClient(follow_redirects=True, timeout=15.0)
        self.seen: set[str] = set()

    async def fetch(self, url: str) -> str:
        resp = await self.client.get(url)
        resp.raise_for_status()
        log.debug("fetched %s (%d bytes)", url, len(resp.content))
        return resp.text

    async def crawl(self, links: list[str]) -> dict[str, str]:
        targets = [urljoin(self.base_url, link) for link in links if link not in self.seen]
        self.seen.update(targets)
        pages = await asyncio.gather(*[self.fetch(u) for u in targets])  # expect: FAN101
        return dict(zip(targets, pages))

    async def close(self) -> None:
        await self.client.aclose()


async def main(links: list[str]) -> None:
    crawler = Crawler("https://docs.example.org/")
    try:
        pages = await crawler.crawl(links)
        log.info("crawled %d pages", len(pages))
    finally:
        await crawler.close()
