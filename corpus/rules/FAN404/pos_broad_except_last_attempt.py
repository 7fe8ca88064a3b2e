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
