"""Fetch layer: all outbound requests pass through one module-level semaphore."""
import asyncio

import httpx

_MAX_CONCURRENT = 12
_SEM = asyncio.Semaphore(_MAX_CONCURRENT)
_client = httpx.AsyncClient(headers={"User-Agent": "newsbot/2.0"}, follow_redirects=True)


async def fetch_article(url: str) -> str:
    async with _SEM:
        resp = await _client.get(url)
    resp.raise_for_status()
    return resp.text
