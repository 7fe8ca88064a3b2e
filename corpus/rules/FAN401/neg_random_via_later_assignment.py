# From Liang-HZ/llm-batch-classifier-public src/llm_classifier/api.py:282.
# backoff_wait is reset to None each iteration, then set to a random value on 429;
# the sleep IS jittered. Nothing must be reported.
import asyncio
import random

import httpx

client = httpx.AsyncClient(timeout=5)


async def get(url):
    for attempt in range(3):
        backoff_wait = None
        r = await client.get(url)
        if r.status_code == 429:
            backoff_wait = 2 ** attempt * (0.5 + random.random())
        if backoff_wait is not None:
            await asyncio.sleep(backoff_wait)  # nothing must be reported
            continue
        return r
