"""Two search engines: one limits its requests, the other does not."""
import asyncio

import httpx


class Engine:
    async def search(self, query: str) -> list[str]:
        raise NotImplementedError

    async def search_many(self, queries: list[str]) -> list[list[str]]:
        return await asyncio.gather(*[self.search(q) for q in queries])  # expect: FAN101


class PoliteEngine(Engine):
    def __init__(self) -> None:
        self.http = httpx.AsyncClient(timeout=10)
        self.sem = asyncio.Semaphore(4)

    async def search(self, query: str) -> list[str]:
        async with self.sem:
            resp = await self.http.get("https://polite.example.com/q", params={"q": query})
        return resp.json()["hits"]


class GreedyEngine(Engine):
    def __init__(self) -> None:
        self.http = httpx.AsyncClient(timeout=10)

    async def search(self, query: str) -> list[str]:
        resp = await self.http.get("https://greedy.example.com/q", params={"q": query})
        return resp.json()["hits"]
