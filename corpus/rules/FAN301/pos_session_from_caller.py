"""An unannotated session parameter: its origin is the caller's ClientSession()."""
import asyncio

import aiohttp


async def make_request(url, session, semaphore):
    async with semaphore, session.get(url) as response:
        return await response.text()


async def organise_requests(url_list):
    semaphore = asyncio.Semaphore(3)
    tasks = []
    async with aiohttp.ClientSession() as session:
        for url in url_list:
            tasks.append(make_request(url, session, semaphore))
        return await asyncio.gather(*tasks)  # expect: FAN301
