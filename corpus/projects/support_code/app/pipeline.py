"""The production pipeline: its findings are what a team fixes first."""
import asyncio

import httpx

CLIENT = httpx.AsyncClient(timeout=10.0, limits=httpx.Limits(max_connections=200))


async def enrich(record: dict) -> dict:
    resp = await CLIENT.get(f"https://geo.example.com/{record['ip']}")
    return {**record, "geo": resp.json()}


async def enrich_all(records: list[dict]) -> list[dict]:
    return await asyncio.gather(*[enrich(r) for r in records])  # expect: FAN101, FAN201
