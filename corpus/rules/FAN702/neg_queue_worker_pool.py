# From simonic-jaka/async_pokemon task_http_queue.py:50/54.
# A fixed pool of 50 queue-draining workers IS the concurrency bound (the pattern FAN201's
# docs recommend); the ">=50 fixed counts as data" rule should not apply.
# Nothing must be reported (neither FAN101 nor FAN702).
import asyncio

import aiohttp

N_WORKERS = 50


async def worker(session, queue):
    while True:
        url = await queue.get()
        async with session.get(url, timeout=aiohttp.ClientTimeout(total=10)) as resp:
            await resp.read()
        queue.task_done()


async def main(urls):
    queue = asyncio.Queue()
    for u in urls:
        queue.put_nowait(u)
    async with aiohttp.ClientSession() as session:
        workers = [asyncio.create_task(worker(session, queue)) for _ in range(N_WORKERS)]
        await queue.join()
        for w in workers:
            w.cancel()
