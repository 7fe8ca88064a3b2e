"""Webhook dispatcher: deliveries share a semaphore created with the dispatcher."""
import asyncio
import json
import logging

import aiohttp

log = logging.getLogger(__name__)


class WebhookDispatcher:
    def __init__(self, max_concurrent: int = 20):
        self.sem = asyncio.Semaphore(max_concurrent)
        self.session = aiohttp.ClientSession(headers={"User-Agent": "hooks/1.4"})

    async def deliver(self, endpoint: str, event: dict) -> int:
        async with self.sem:
            async with self.session.post(endpoint, data=json.dumps(event)) as resp:
                return resp.status

    async def broadcast(self, endpoints: list[str], event: dict) -> dict[str, int]:
        tasks = [asyncio.create_task(self.deliver(e, event)) for e in endpoints]
        statuses = await asyncio.gather(*tasks)
        failed = [e for e, s in zip(endpoints, statuses) if s >= 400]
        if failed:
            log.warning("%d deliveries failed", len(failed))
        return dict(zip(endpoints, statuses))

    async def close(self) -> None:
        await self.session.close()
