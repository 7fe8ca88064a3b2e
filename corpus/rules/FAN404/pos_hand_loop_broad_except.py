"""Feed fetcher: hand-written retry loops that swallow any exception and try again."""
import asyncio
import logging
import random

import aiohttp

log = logging.getLogger(__name__)


async def fetch_feed(session: aiohttp.ClientSession, url: str) -> str:
    for attempt in range(4):
        try:
            async with session.get(url) as resp:
                resp.raise_for_status()
                return await resp.text()
        except Exception:  # expect: FAN404
            log.warning("feed %s failed, attempt %d", url, attempt + 1)
            await asyncio.sleep(2 ** attempt + random.random())
    raise RuntimeError(f"feed {url} unavailable")


async def post_digest(session: aiohttp.ClientSession, webhook: str, digest: dict) -> None:
    for attempt in range(3):
        try:
            async with session.post(webhook, json=digest) as resp:
                resp.raise_for_status()
                return
        except:  # expect: FAN404
            log.warning("digest delivery failed, attempt %d", attempt + 1)
            await asyncio.sleep(random.uniform(1, 3))
            continue
    raise RuntimeError("digest not delivered")
