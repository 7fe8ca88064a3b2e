"""A project function that fans out over its own parameter is reported at its
gather; a call of it (a helper site) repeats nothing. A generic helper that
reports nothing inside (`resolve_stage(jobs)`: it gathers what it is given)
keeps its calls' finding."""
import asyncio

import httpx

client = httpx.AsyncClient(timeout=30.0)


async def resolve(record: dict) -> dict:
    resp = await client.get(f"https://geo.example.com/{record['ip']}")
    return {**record, "geo": resp.json()}


async def resolve_bulk(records: list[dict]) -> list[dict]:
    return await asyncio.gather(*[resolve(r) for r in records])  # expect: FAN201


async def ingest(batch: list[dict]) -> int:
    records = [dict(r, seen=True) for r in batch]
    resolved = await resolve_bulk(records)
    return len(resolved)


async def resolve_stage(jobs: list) -> list[dict]:
    return await asyncio.gather(*jobs)


async def ingest_jobs(batch: list[dict]) -> int:
    resolved = await resolve_stage([resolve(r) for r in batch])  # expect: FAN201
    return len(resolved)
