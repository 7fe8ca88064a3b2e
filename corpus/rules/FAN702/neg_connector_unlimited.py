"""Internal health sweeper: the connector pool is explicitly unlimited (limit=0)."""
import asyncio
import logging

import aiohttp

log = logging.getLogger(__name__)


class HealthSweeper:
    def __init__(self):
        self.session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))

    async def health(self, host: str) -> bool:
        async with self.session.get(f"http://{host}/healthz") as resp:
            return resp.status == 200

    async def sweep(self, hosts: list[str]) -> dict[str, bool]:
        results = await asyncio.gather(*[self.health(h) for h in hosts])
        down = [h for h, ok in zip(hosts, results) if not ok]
        if down:
            log.warning("%d hosts unhealthy", len(down))
        return dict(zip(hosts, results))
