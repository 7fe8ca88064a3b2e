"""Fetch pages concurrently and store each one."""
import asyncio
import logging

import httpx

from .store import save_page

log = logging.getLogger(__name__)

client = httpx.AsyncClient(timeout=None)  # expect: FAN702


async def fetch_page(url: str) -> str:
    resp = await client.get(url)
    save_page(url, resp.text)  # expect: FAN503
    return resp.text


async def fetch_all(urls: list[str]) -> list[str]:
    log.info("Fetching %d pages", len(urls))
    return await asyncio.gather(*[fetch_page(u) for u in urls])  # expect: FAN101, FAN301
