"""Profile enrichment: each fanned-out task hides its own HTTP failures."""
import asyncio

import httpx

client = httpx.AsyncClient(base_url="https://people.example.com/api", timeout=8.0)
limit = asyncio.Semaphore(10)


async def fetch_profile(user_id: str) -> dict | None:
    async with limit:
        try:
            resp = await client.get(f"/users/{user_id}")
            resp.raise_for_status()
            return resp.json()
        except Exception:  # expect: FAN903
            pass
    return None


async def enrich(user_ids: list[str]) -> dict[str, dict]:
    profiles = await asyncio.gather(*[fetch_profile(uid) for uid in user_ids])
    return {uid: p for uid, p in zip(user_ids, profiles) if p is not None}
