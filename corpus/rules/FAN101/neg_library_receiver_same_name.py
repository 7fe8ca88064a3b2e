"""A project class defines `get`, but the fan-out calls a library session's get under a semaphore."""
import asyncio

import aiohttp


class Settings:
    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def get(self, key: str) -> str:
        return self.values.get(key, "")


async def fetch(session, sem: asyncio.Semaphore, url: str) -> str:
    async with sem:
        async with session.get(url) as resp:
            return await resp.text()


async def fetch_all(urls: list[str]) -> list[str]:
    sem = asyncio.Semaphore(10)
    async with aiohttp.ClientSession() as session:
        return await asyncio.gather(*[fetch(session, sem, u) for u in urls])
