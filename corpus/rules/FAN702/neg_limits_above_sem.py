"""Image CDN purger: pool of 200 connections, at most 50 purges in flight."""
import asyncio
import logging

import httpx

log = logging.getLogger(__name__)


class CdnPurger:
    def __init__(self, token: str):
        self.client = httpx.AsyncClient(limits=httpx.Limits(max_connections=200), headers={"Authorization": f"Bearer {token}"})
        self.sem = asyncio.Semaphore(50)

    async def purge(self, path: str) -> int:
        async with self.sem:
            resp = await self.client.post("https://cdn.example.com/purge", json={"path": path})
        return resp.status_code

    async def purge_all(self, paths: list[str]) -> list[int]:
        statuses = await asyncio.gather(*[self.purge(p) for p in paths])
        log.info("purged %d paths", len(statuses))
        return statuses
