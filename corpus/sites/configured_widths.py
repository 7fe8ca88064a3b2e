"""Widths set by configuration are bounded, and a teardown that cancels and
drains its tasks fans out no work."""
import asyncio

import httpx


class Worker:
    def __init__(self, concurrency: int, max_results: int):
        self.concurrency = concurrency
        self.max_results = max_results
        self.client = httpx.AsyncClient(timeout=10.0)
        self.tasks: list[asyncio.Task] = []

    async def pool(self, queue: asyncio.Queue) -> None:
        async def worker() -> None:
            while True:
                url = await queue.get()
                await self.client.get(url)
                queue.task_done()

        workers = [asyncio.create_task(worker()) for _ in range(self.concurrency)]  # site: create_task fixed -> configured_widths.py:Worker.pool.worker
        await queue.join()
        for w in workers:
            w.cancel()
        await asyncio.gather(*workers, return_exceptions=True)

    async def top_results(self, urls: list[str]) -> list[httpx.Response]:
        n = min(len(urls), self.max_results)
        return await asyncio.gather(*[self.client.get(urls[i]) for i in range(n)])  # site: gather fixed

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.client.aclose()
