"""`sleep(0)` yields to the loop (or the thread): no wait, no backoff, no block."""
import asyncio
import time

import httpx


async def pump(client: httpx.AsyncClient, queue: asyncio.Queue) -> None:
    for _ in range(100):
        try:
            item = queue.get_nowait()
        except asyncio.QueueEmpty:
            await asyncio.sleep(0)
            continue
        await client.post("https://sink.example.com", json=item)


async def cooperative(items: list[int]) -> int:
    total = 0
    for i, item in enumerate(items):
        total += item
        if i % 1000 == 0:
            time.sleep(0)
    return total
