"""Fanned-out callees whose except clauses log or catch a narrow error."""
import asyncio
import logging

import httpx

log = logging.getLogger(__name__)

client = httpx.AsyncClient(base_url="https://catalog.example.com/api", timeout=10.0)


async def fetch_item(item_id: str) -> dict | None:
    try:
        resp = await client.get(f"/items/{item_id}")
        resp.raise_for_status()
        return resp.json()
    except Exception as exc:
        log.warning("item %s failed: %s", item_id, exc)
        return None


async def fetch_stock(item_id: str) -> int:
    try:
        resp = await client.get(f"/items/{item_id}/stock")
        resp.raise_for_status()
        return resp.json()["count"]
    except httpx.HTTPStatusError:
        pass
    return 0


async def fetch_items(item_ids: list[str]) -> list[dict | None]:
    return await asyncio.gather(*(fetch_item(i) for i in item_ids))


async def fetch_stocks(item_ids: list[str]) -> list[int]:
    return await asyncio.gather(*(fetch_stock(i) for i in item_ids))
