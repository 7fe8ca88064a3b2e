# From BryanNsoh/async_llm_handler handler.py:163 and Liang-HZ api.py:304.
# `except Exception` that retries is missed when a narrower handler precedes it.
import asyncio
import random

import httpx

client = httpx.AsyncClient(timeout=5)


async def get(url, max_retries=5):
    for attempt in range(max_retries):
        try:
            return await client.get(url)
        except httpx.HTTPStatusError:
            await asyncio.sleep(random.uniform(0, 2 ** attempt))
        except Exception:  # expect: FAN404
            await asyncio.sleep(random.uniform(0, 2 ** attempt))
