# From Liang-HZ/llm-batch-classifier-public api.py:319.
# The 429 path sleeps with jitter, the timeout path sleeps 2**attempt: that path retries in lockstep.
import asyncio
import random

import httpx

client = httpx.AsyncClient(timeout=5)


async def get(url):
    attempt = 0
    while attempt < 5:
        try:
            r = await client.get(url)
            if r.status_code == 429:
                await asyncio.sleep(1 + random.random())
                continue
            return r
        except httpx.TimeoutException:
            pass
        attempt += 1
        await asyncio.sleep(2 ** attempt)  # expect: FAN401
