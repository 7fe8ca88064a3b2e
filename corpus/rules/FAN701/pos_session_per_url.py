"""Broken-link checker that opens a new aiohttp session for every link."""
import asyncio
import logging

import aiohttp

log = logging.getLogger(__name__)


async def link_status(url: str) -> tuple[str, int]:
    async with aiohttp.ClientSession() as session:  # expect: FAN701
        async with session.head(url, allow_redirects=True) as resp:
            return url, resp.status


async def check_links(links: list[str]) -> list[str]:
    results = await asyncio.gather(*[link_status(u) for u in links], return_exceptions=True)
    broken = [r[0] for r in results if isinstance(r, tuple) and r[1] >= 400]
    log.info("%d broken links", len(broken))
    return broken
