"""A project's own bounded gather."""
import asyncio


async def limited_gather(*coros, limit: int = 10):
    sem = asyncio.Semaphore(limit)

    async def run(coro):
        async with sem:
            return await coro

    return await asyncio.gather(*(run(c) for c in coros))
