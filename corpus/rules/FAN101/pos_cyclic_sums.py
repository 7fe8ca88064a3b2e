"""Lists built from each other in a cycle (`a = b + c`, `b = a + d`): the
analysis of how they were made must end; a data-sized fan-out over them is
still reported."""
import asyncio

import httpx


async def fetch(client: httpx.AsyncClient, url: str) -> str:
    return (await client.get(url, timeout=10)).text


async def crawl(client: httpx.AsyncClient, c: list[str], d: list[str]) -> list[str]:
    b: list[str] = []
    a = b + c
    b = a + d
    return await asyncio.gather(*[fetch(client, u) for u in a])  # expect: FAN101
