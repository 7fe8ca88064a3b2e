"""Tasks are spawned in a comprehension and then drained with as_completed: the function waits for the last."""
import asyncio

import httpx


async def fetch_page(client: httpx.AsyncClient, url: str) -> str:
    resp = await client.get(url)
    return resp.text


async def crawl(urls: list[str]):
    async with httpx.AsyncClient(timeout=None) as client:
        tasks = [asyncio.create_task(fetch_page(client, u)) for u in urls]  # expect: FAN301
        for done in asyncio.as_completed(tasks):
            yield await done
