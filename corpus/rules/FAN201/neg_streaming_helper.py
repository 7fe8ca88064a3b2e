"""A project helper runs the coroutines it is given a few at a time and yields
each result as it finishes: nothing is held until the last one ends."""
import asyncio
from collections.abc import AsyncIterator, Awaitable, Iterable

import httpx

client = httpx.AsyncClient(timeout=10.0)


async def fetch_page(url: str) -> str:
    resp = await client.get(url)
    return resp.text


async def run_windowed(jobs: Iterable[Awaitable[str]], window: int = 8) -> AsyncIterator[str]:
    running: set[asyncio.Future] = set()
    for job in jobs:
        running.add(asyncio.ensure_future(job))
        if len(running) >= window:
            finished, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            for fut in finished:
                yield fut.result()
    for fut in asyncio.as_completed(running):
        yield await fut


async def crawl(urls: list[str], sink) -> None:
    async for page in run_windowed([fetch_page(u) for u in urls]):
        await sink.write(page)
