"""Status page aggregator: httpx clients time out after 5 s by default."""
import asyncio
import logging

import httpx

log = logging.getLogger(__name__)


class StatusAggregator:
    def __init__(self):
        self.client = httpx.AsyncClient(headers={"Accept": "application/json"})

    async def component_status(self, status_url: str) -> dict:
        resp = await self.client.get(status_url)
        resp.raise_for_status()
        return {"url": status_url, "indicator": resp.json()["status"]["indicator"]}

    async def collect(self, status_urls: list[str]) -> list[dict]:
        statuses = await asyncio.gather(*[self.component_status(u) for u in status_urls])
        degraded = [s for s in statuses if s["indicator"] != "none"]
        log.info("%d/%d components degraded", len(degraded), len(statuses))
        return statuses
