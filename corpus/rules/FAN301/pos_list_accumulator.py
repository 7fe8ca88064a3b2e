"""`tasks = list()` filled in a loop; each request has no timeout."""
import asyncio

import aiohttp


async def fetch_text(url: str, session: aiohttp.ClientSession, semaphore: asyncio.Semaphore) -> str:
    async with semaphore, session.get(url) as response:
        return await response.text()


async def fetch_all(url_list: list[str]) -> None:
    semaphore = asyncio.Semaphore(3)
    tasks = list()
    async with aiohttp.ClientSession() as session:
        for url in url_list:
            tasks.append(fetch_text(url, session, semaphore))
        await asyncio.gather(*tasks)  # expect: FAN301
