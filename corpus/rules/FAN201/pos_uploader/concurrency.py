"""Concurrency helpers."""
import asyncio


async def _run_bounded(sem: asyncio.Semaphore, coro):
    async with sem:
        return await coro


async def gather_bounded(coros, limit: int = 10):
    """Await every coroutine in `coros`, at most `limit` at a time, results in order."""
    sem = asyncio.Semaphore(limit)
    return await asyncio.gather(*(_run_bounded(sem, c) for c in coros))
