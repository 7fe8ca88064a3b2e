"""Attributes that hold data: a list the crawler appends to as it discovers
pages, and the URLs it was given. Both fan-outs are as wide as the data."""
import asyncio

import httpx


class Crawler:
    def __init__(self, client: httpx.AsyncClient, urls: list[str]) -> None:
        self.client = client
        self.urls = urls
        self.found = []

    async def fetch(self, url: str) -> str:
        r = await self.client.get(url, timeout=10)
        return r.text

    def discover(self, page: str) -> None:
        for line in page.splitlines():
            if line.startswith("http"):
                self.found.append(line)

    async def crawl(self) -> list[str]:
        return await asyncio.gather(*[self.fetch(u) for u in self.urls])  # expect: FAN101

    async def follow(self) -> list[str]:
        return await asyncio.gather(*[self.fetch(u) for u in self.found])  # expect: FAN101
