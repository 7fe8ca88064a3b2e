"""Uptime probe: aiohttp's default 300 s total timeout lets one slow host stall the round."""
import asyncio
import logging
import time

import aiohttp

log = logging.getLogger(__name__)


async def probe(session: aiohttp.ClientSession, url: str) -> tuple[str, int, float]:
    start = time.monotonic()
    async with session.get(url, allow_redirects=False) as resp:
        await resp.read()
        return url, resp.status, time.monotonic() - start


async def probe_round(endpoints: list[str]) -> list[tuple[str, int, float]]:
    async with aiohttp.ClientSession() as session:
        tasks = []
        for url in endpoints:
            tasks.append(asyncio.create_task(probe(session, url)))  # expect: FAN301
        results = await asyncio.gather(*tasks)
    slow = [r for r in results if r[2] > 2.0]
    log.info("probed %d endpoints, %d slow", len(results), len(slow))
    return results
