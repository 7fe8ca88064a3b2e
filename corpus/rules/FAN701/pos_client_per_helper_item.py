"""The backend's per-query task opens its own client: one pool per query,
however the list reaches it (here through a dispatcher)."""
import asyncio

import httpx

SEARCH_URL = "https://search.example.com/v1/query"
LIMIT = asyncio.Semaphore(4)


async def search_many(queries: list[str]) -> list[dict]:
    async def search_one(query: str) -> dict:
        async with LIMIT:
            async with httpx.AsyncClient(timeout=15.0) as client:  # expect: FAN701
                resp = await client.get(SEARCH_URL, params={"q": query})
        return resp.json()

    return await asyncio.gather(*[search_one(q) for q in queries])


async def run_search(backend: str, queries: list[str]) -> list[dict]:
    if backend == "web":
        return await search_many(queries)
    return []
