"""Helpers that bound what they fan out: a semaphore around each item, a
helper handing its list to that one, and batches of a constant size."""
import asyncio

import httpx

client = httpx.AsyncClient(timeout=10)
BATCH = 20


async def bounded_gather(*coros, limit: int = 8):
    sem = asyncio.Semaphore(limit)

    async def one(coro):
        async with sem:
            return await coro

    return await asyncio.gather(*(one(c) for c in coros))


async def gather_list(coros):
    return await bounded_gather(*coros)


async def in_batches(coros, size):
    results = []
    for i in range(0, len(coros), size):
        results.extend(await asyncio.gather(*coros[i:i + size]))
    return results


async def fetch(url: str) -> str:
    resp = await client.get(url)
    return resp.text


async def fetch_all(urls: list[str]) -> list[str]:
    return await bounded_gather(*[fetch(u) for u in urls])


async def fetch_listed(urls: list[str]) -> list[str]:
    return await gather_list([fetch(u) for u in urls])


async def fetch_batched(urls: list[str]) -> list[str]:
    return await in_batches([fetch(u) for u in urls], BATCH)
