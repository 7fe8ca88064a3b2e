"""One client per search_many call, shared by its searches; the wrapper builds
requests from its parameter (data, not a coroutine it awaits)."""
import asyncio

import httpx

SEARCH_URL = "https://search.example.com/v1/query"
LIMIT = asyncio.Semaphore(4)


async def search_many(queries: list[str], top_k: int = 5) -> list[dict]:
    async with httpx.AsyncClient(timeout=15.0) as client:

        async def search_one(query: str) -> dict:
            async with LIMIT:
                resp = await client.get(SEARCH_URL, params={"q": query, "k": top_k})
            return resp.json()

        return await asyncio.gather(*[search_one(q) for q in queries])  # expect: FAN201


async def run_search(backend: str, queries: list[str]) -> list[dict]:
    if backend == "web":
        return await search_many(queries)
    return []


async def research(topics: list[dict]) -> list[dict]:
    queries = [topic["title"] for topic in topics]
    return await run_search("web", queries)
