"""Suppressions left behind after fixes."""
import asyncio

import httpx

SEM = asyncio.Semaphore(8)


async def fetch(client: httpx.AsyncClient, url: str) -> bytes:
    async with SEM:
        return (await client.get(url)).content


async def fetch_all(client: httpx.AsyncClient, urls: list[str]) -> list[bytes]:
    return await asyncio.gather(*[fetch(client, u) for u in urls])  # noqa: FAN101  # expect: FAN900


def local_only(values: list[int]) -> int:
    return sum(values)  # noqa: FAN502, E501  # expect: FAN900
