"""Link archiver: downloads every URL of a crawl frontier and keeps all bodies in memory."""
import asyncio
import hashlib
import logging

import httpx

log = logging.getLogger(__name__)


class Archiver:
    def __init__(self):
        self.client = httpx.AsyncClient(follow_redirects=True)
        self.sem = asyncio.Semaphore(32)

    async def snapshot(self, url: str) -> dict:
        async with self.sem:
            resp = await self.client.get(url)
        body = resp.content
        return {"url": url, "status": resp.status_code, "sha256": hashlib.sha256(body).hexdigest(), "body": body}

    async def archive(self, urls: list[str]) -> list[dict]:
        snapshots = await asyncio.gather(*[self.snapshot(u) for u in urls])  # expect: FAN201
        log.info("archived %d urls", len(snapshots))
        return snapshots
