"""The same helper shape, but it gathers every coroutine it is given at once."""
import asyncio
from collections.abc import Awaitable, Iterable

import httpx

client = httpx.AsyncClient(timeout=10.0)


async def fetch_page(url: str) -> str:
    resp = await client.get(url)
    return resp.text


async def run_all(jobs: Iterable[Awaitable[str]]) -> list[str]:
    return await asyncio.gather(*jobs)


async def crawl(urls: list[str]) -> list[str]:
    return await run_all([fetch_page(u) for u in urls])  # expect: FAN201
