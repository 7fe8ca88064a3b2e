"""Sitemap checker: the 'limit' is created inside each task, so it limits nothing."""
import asyncio
import logging

import httpx

log = logging.getLogger(__name__)


async def check_link(client: httpx.AsyncClient, url: str) -> tuple[str, int]:
    sem = asyncio.Semaphore(5)  # expect: FAN102
    async with sem:
        resp = await client.head(url, follow_redirects=True)
    return url, resp.status_code


async def check_sitemap(sitemap_urls: list[str]) -> list[str]:
    async with httpx.AsyncClient(timeout=10.0) as client:
        results = await asyncio.gather(*[check_link(client, u) for u in sitemap_urls])
    broken = [url for url, status in results if status >= 400]
    log.info("%d broken links out of %d", len(broken), len(results))
    return broken
