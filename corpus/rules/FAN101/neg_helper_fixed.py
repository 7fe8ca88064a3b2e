"""A plain gather helper over a fixed set of items, and a ranked list cut to
a configured top-k before the fan-out: neither grows with the input."""
import asyncio

import httpx

client = httpx.AsyncClient(timeout=10)
MIRRORS = ("eu", "us", "ap")


async def gather_all(*coros):
    return await asyncio.gather(*coros)


async def ping(region: str) -> int:
    resp = await client.get(f"https://{region}.example.org/ping")
    return resp.status_code


async def ping_mirrors() -> list[int]:
    return await gather_all(*[ping(m) for m in MIRRORS])


async def ping_pair() -> list[int]:
    return await gather_all(ping("eu"), ping("us"))


class Reranker:
    def __init__(self, top_k: int = 5):
        self.top_k = top_k

    async def fetch(self, url: str) -> str:
        resp = await client.get(url)
        return resp.text

    async def fetch_top(self, ranked: list[str]) -> list[str]:
        return await asyncio.gather(*[self.fetch(u) for u in ranked[: self.top_k]])
