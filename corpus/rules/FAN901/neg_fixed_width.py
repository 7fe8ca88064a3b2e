"""Fixed-width fan-outs: a few known calls, no data-driven width."""
import asyncio

import httpx

client = httpx.AsyncClient(base_url="https://api.example.com", timeout=5.0)
REGIONS = ("eu", "us", "ap")


async def get_json(path: str) -> dict:
    return (await client.get(path)).json()


async def dashboard(user_id: int) -> dict:
    profile, orders, prefs = await asyncio.gather(
        get_json(f"/users/{user_id}"),
        get_json(f"/users/{user_id}/orders"),
        get_json(f"/users/{user_id}/prefs"),
    )
    return {"profile": profile, "orders": orders, "prefs": prefs}


async def region_health() -> list[dict]:
    return await asyncio.gather(*[get_json(f"/health/{r}") for r in ["eu", "us", "ap"]])


async def shard_stats() -> list[dict]:
    return await asyncio.gather(*(get_json(f"/shards/{i}/stats") for i in range(3)))
