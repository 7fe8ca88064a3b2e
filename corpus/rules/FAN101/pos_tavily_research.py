"""Deep research step: one web search per generated sub-query, all at once."""
import asyncio

from tavily import AsyncTavilyClient

tavily = AsyncTavilyClient(api_key="tvly-key")


async def search_one(query: str) -> dict:
    return await tavily.search(query, max_results=5, include_raw_content=True)


async def search_all(queries: list[str]) -> list[dict]:
    return await asyncio.gather(*[search_one(q) for q in queries])  # expect: FAN101
