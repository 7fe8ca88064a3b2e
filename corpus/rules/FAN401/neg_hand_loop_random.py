"""Crawler fetch with a hand-written retry loop that adds random jitter."""
import asyncio
import logging
import random

import httpx

log = logging.getLogger(__name__)


async def fetch_page(client: httpx.AsyncClient, url: str) -> str:
    for attempt in range(5):
        try:
            resp = await client.get(url, follow_redirects=True)
            resp.raise_for_status()
            return resp.text
        except (httpx.TransportError, httpx.HTTPStatusError) as exc:
            log.warning("fetch %s failed (attempt %d): %s", url, attempt + 1, exc)
            await asyncio.sleep(2 ** attempt + random.uniform(0, 1))
    raise RuntimeError(f"giving up on {url}")


async def fetch_robots(client: httpx.AsyncClient, host: str) -> str:
    for attempt in range(3):
        resp = await client.get(f"https://{host}/robots.txt")
        if resp.status_code == 429 or resp.status_code >= 500:
            await asyncio.sleep(random.random() * 2 ** attempt)
            continue
        return resp.text if resp.status_code == 200 else ""
    return ""
