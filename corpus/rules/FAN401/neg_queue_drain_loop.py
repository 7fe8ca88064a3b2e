"""A scheduler drains a queue into tasks and idles briefly when nothing is running."""
import asyncio

import httpx

CLIENT = httpx.AsyncClient(timeout=10)


async def fetch(url: str) -> str:
    return (await CLIENT.get(url)).text


async def drain(queue: asyncio.Queue, slots: int) -> list[str]:
    results: list[str] = []
    active: list[asyncio.Task] = []
    while not queue.empty() or active:
        while len(active) < slots:
            try:
                url = queue.get_nowait()
                active.append(asyncio.create_task(fetch(url)))
            except asyncio.QueueEmpty:
                break
        if active:
            done, pending = await asyncio.wait(active, timeout=0.1, return_when=asyncio.FIRST_COMPLETED)
            results.extend(t.result() for t in done)
            active = list(pending)
        else:
            await asyncio.sleep(0.5)
    return results
