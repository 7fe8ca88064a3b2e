"""Suppressions that still suppress something, bare noqa, and other tools' codes."""
import asyncio
import time

import httpx


async def fetch(client: httpx.AsyncClient, url: str) -> bytes:
    return (await client.get(url, timeout=10)).content


async def fetch_all(client: httpx.AsyncClient, urls: list[str]) -> list[bytes]:
    return await asyncio.gather(*[fetch(client, u) for u in urls])  # noqa: FAN101, FAN201


async def warm_up() -> None:
    time.sleep(0.1)  # noqa


def helper(values: list[int]) -> int:
    return sum(values)  # noqa: E501
