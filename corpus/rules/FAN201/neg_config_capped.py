"""Focused crawler: each round crawls only the configured number of best links."""
import asyncio
from dataclasses import dataclass

import httpx


@dataclass
class CrawlConfig:
    top_links: int = 5
    rounds: int = 3


class FocusedCrawler:
    def __init__(self, config: CrawlConfig):
        self.config = config
        self.http = httpx.AsyncClient(timeout=15.0)

    async def get(self, url: str) -> str:
        resp = await self.http.get(url)
        return resp.text

    async def crawl_round(self, links: list[str]) -> list[str]:
        return await asyncio.gather(*[self.get(u) for u in links])

    async def run(self, ranked: list[str]) -> list[str]:
        pages: list[str] = []
        for _ in range(self.config.rounds):
            best = [u for u in ranked[: self.config.top_links] if u not in pages]
            pages += await self.crawl_round(best)
        return pages

    async def sample(self, ranked: list[str]) -> list[str]:
        picked = ranked[: min(len(ranked), self.config.top_links)]
        return await asyncio.gather(*[self.get(u) for u in picked])
