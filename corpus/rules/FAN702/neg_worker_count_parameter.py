"""Sitemap crawler: `workers` copies of one queue consumer share the client; their count is the bound."""
import asyncio

import httpx


async def consume(http: httpx.AsyncClient, queue: asyncio.Queue, pages: list[str]) -> None:
    while True:
        url = await queue.get()
        resp = await http.get(url)
        pages.append(resp.text)
        queue.task_done()


async def crawl(urls: list[str], workers: int = 8) -> list[str]:
    queue: asyncio.Queue = asyncio.Queue()
    for u in urls:
        queue.put_nowait(u)
    pages: list[str] = []
    http = httpx.AsyncClient(timeout=15.0)
    consumers = [asyncio.create_task(consume(http, queue, pages)) for _ in range(workers)]
    await queue.join()
    for c in consumers:
        c.cancel()
    await http.aclose()
    return pages
