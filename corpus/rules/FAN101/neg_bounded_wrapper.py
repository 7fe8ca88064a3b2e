"""A semaphore wrapper around each coroutine: the fan-out is bounded."""
import asyncio

import httpx

SEM = asyncio.Semaphore(16)


async def bounded(coro):
    async with SEM:
        return await coro


async def fetch(client: httpx.AsyncClient, url: str) -> bytes:
    resp = await client.get(url)
    resp.raise_for_status()
    return resp.content


async def fetch_all(urls: list[str]) -> list[bytes]:
    async with httpx.AsyncClient() as client:
        return await asyncio.gather(*[bounded(fetch(client, u)) for u in urls])
