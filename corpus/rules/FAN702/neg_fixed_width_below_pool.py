# From simonic-jaka/async_pokemon task_http_queue.py:50.
# A known, fixed 50 tasks on aiohttp's 100-connection pool: the pool is NOT below the fan-out.
# FAN101 is due (fixed >=50 counts like data) but nothing may be reported on the ClientSession line.
import asyncio

import aiohttp

N = 50


async def get(session, i):
    async with asyncio.timeout(10):
        async with session.get(f"https://example.org/{i}") as resp:
            return await resp.read()


async def main():
    async with aiohttp.ClientSession() as session:  # nothing must be reported here (50 <= 100)
        return await asyncio.gather(*[get(session, i) for i in range(N)])
