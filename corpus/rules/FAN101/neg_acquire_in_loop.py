"""The orchestrator acquires a slot before starting each task; the task frees it."""
import asyncio

import httpx

LIMIT = asyncio.Semaphore(20)


async def download(client: httpx.AsyncClient, url: str) -> bytes:
    resp = await client.get(url)
    return resp.content


async def download_all(client: httpx.AsyncClient, urls: list[str]) -> list[asyncio.Task]:
    tasks = []
    for url in urls:
        await LIMIT.acquire()
        task = asyncio.create_task(download(client, url))
        task.add_done_callback(lambda _: LIMIT.release())
        tasks.append(task)
    return tasks
