"""A raise on the last attempt does not narrow what is retried: every
exception, bugs included, is retried until then."""
import asyncio
import random

import httpx


async def fetch(client: httpx.AsyncClient, url: str) -> httpx.Response:
    for attempt in range(4):
        try:
            return await client.get(url)
        except Exception as exc:  # expect: FAN404
            if attempt == 3:
                raise RuntimeError(f"{url} failed") from exc
            await asyncio.sleep(random.uniform(0.5, 1.5) * 2**attempt)
    raise AssertionError("unreachable")


async def probe(client: httpx.AsyncClient, url: str, deadline: float) -> httpx.Response:
    loop = asyncio.get_running_loop()
    for _ in range(20):
        try:
            return await client.get(url)
        except Exception as e:  # expect: FAN404
            print(f"probe failed: {e.__class__.__name__}: {e}")
            if loop.time() > deadline:
                raise
            await asyncio.sleep(random.uniform(0.2, 0.4))
    raise TimeoutError(url)
