"""Account sync: look up every customer id, then split successes from failures."""
import asyncio
import logging

import httpx

log = logging.getLogger(__name__)


class CustomerSync:
    def __init__(self, api_key: str):
        self.client = httpx.AsyncClient(base_url="https://crm.example.com", headers={"X-Api-Key": api_key})

    async def lookup(self, customer_id: str) -> dict:
        resp = await self.client.get(f"/customers/{customer_id}")
        resp.raise_for_status()
        return resp.json()

    async def sync(self, ids: list[str]) -> list[dict]:
        done, _ = await asyncio.wait([asyncio.create_task(self.lookup(i)) for i in ids])  # expect: FAN201
        ok = [t.result() for t in done if not t.exception()]
        log.info("synced %d/%d customers", len(ok), len(ids))
        return ok
