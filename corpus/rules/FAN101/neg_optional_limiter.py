"""A prober that uses its rate limiter when it has one (the runner always gives it one)."""
import asyncio

import httpx


class Prober:
    def __init__(self, client: httpx.AsyncClient, rate: asyncio.Semaphore | None = None) -> None:
        self.client = client
        self.rate = rate

    async def _probe(self, url: str) -> int:
        return (await self.client.head(url)).status_code

    async def probe_all(self, urls: list[str]) -> list[int]:
        async def one(url: str) -> int:
            if self.rate:
                async with self.rate:
                    return await self._probe(url)
            return await self._probe(url)

        return await asyncio.gather(*[one(u) for u in urls])
