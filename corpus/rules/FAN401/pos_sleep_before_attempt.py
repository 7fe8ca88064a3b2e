"""The backoff sleep before each retry (not the first attempt) is deterministic."""
import asyncio

import httpx


async def fetch(client: httpx.AsyncClient, url: str) -> bytes:
    for attempt in range(5):
        if attempt:
            await asyncio.sleep(2 ** attempt)  # expect: FAN401
        try:
            resp = await client.get(url)
            resp.raise_for_status()
            return resp.content
        except httpx.TransportError:
            continue
    raise RuntimeError(url)
