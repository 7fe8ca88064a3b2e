"""Weekly briefing: the search client opens a pool per request, but requests run one by one."""
from tavily import AsyncTavilyClient


async def briefing(topics: list[str]) -> list[dict]:
    searcher = AsyncTavilyClient()
    found = []
    for topic in topics:
        found.append(await searcher.search(topic, max_results=5))
    return found
