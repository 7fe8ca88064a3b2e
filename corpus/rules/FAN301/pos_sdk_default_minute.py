"""Research step: the search SDK gives up on each request only after its
default 60 s; a search usually takes one or two, so a stuck one holds the gather."""
import asyncio

from tavily import AsyncTavilyClient

search_client = AsyncTavilyClient(api_key="tvly-demo")


async def search_topic(topic: str) -> dict:
    return await search_client.search(topic, max_results=3)


async def search_topics(topics: list[str]) -> list[dict]:
    return await asyncio.gather(*[search_topic(t) for t in topics])  # expect: FAN301
