"""Scraper with a politeness delay implemented by a sync helper."""
import random
import time

import httpx

MIN_DELAY = 0.5


def polite_pause(base: float = MIN_DELAY) -> None:
    time.sleep(base + random.random() * base)


class PoliteScraper:
    def __init__(self) -> None:
        self.client = httpx.AsyncClient(timeout=15.0)
        self.last_request = 0.0

    def _respect_crawl_delay(self, delay: float) -> None:
        elapsed = time.monotonic() - self.last_request
        if elapsed < delay:
            time.sleep(delay - elapsed)
        self.last_request = time.monotonic()

    async def fetch(self, url: str, crawl_delay: float = 1.0) -> str:
        self._respect_crawl_delay(crawl_delay)  # expect: FAN502
        resp = await self.client.get(url)
        return resp.text

    async def fetch_many(self, urls: list[str]) -> list[str]:
        pages = []
        for url in urls:
            polite_pause()  # expect: FAN502
            pages.append((await self.client.get(url)).text)
        return pages
