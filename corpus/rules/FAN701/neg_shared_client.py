"""Weather fetcher: one client created by the orchestrator and passed to every task."""
import asyncio
import logging

import httpx

log = logging.getLogger(__name__)


async def forecast(client: httpx.AsyncClient, city: str) -> dict:
    resp = await client.get("/forecast", params={"q": city, "days": 3})
    resp.raise_for_status()
    return resp.json()


async def forecasts(cities: list[str]) -> dict[str, dict]:
    async with httpx.AsyncClient(base_url="https://weather.example.com/v1") as client:
        results = await asyncio.gather(*[forecast(client, c) for c in cities])
    log.info("fetched %d forecasts", len(results))
    return dict(zip(cities, results))
