"""Async crawler that calls the blocking helpers directly from its coroutines."""
import asyncio
import logging
from urllib.parse import urlparse

import httpx

from .fetchers import download_sitemap, fetch_robots

log = logging.getLogger(__name__)


class SitemapCrawler:
    def __init__(self, root_sitemap: str) -> None:
        self.root_sitemap = root_sitemap
        self.client = httpx.AsyncClient(timeout=20.0, follow_redirects=True)

    async def allowed(self, url: str) -> bool:
        robots = fetch_robots(urlparse(url).netloc)  # expect: FAN501
        return "Disallow: /" not in robots.splitlines()

    async def crawl(self) -> dict[str, int]:
        urls = download_sitemap(self.root_sitemap)  # expect: FAN501
        log.info("sitemap lists %d urls", len(urls))
        sizes = {}
        for url in urls[:50]:
            resp = await self.client.get(url)
            sizes[url] = len(resp.content)
            await asyncio.sleep(0.1)
        return sizes
