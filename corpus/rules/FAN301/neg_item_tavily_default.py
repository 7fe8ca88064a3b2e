import asyncio

from tavily import AsyncTavilyClient


async def search_all(queries: list[str]) -> list[dict]:
    client = AsyncTavilyClient(api_key="tvly-demo")
    return await asyncio.gather(*[client.search(q, max_results=3) for q in queries])
