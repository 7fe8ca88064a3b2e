"""Fact checker: the search client lives on the instance, yet each call opens its own pool."""
import asyncio

from tavily import AsyncTavilyClient


class FactChecker:
    def __init__(self, api_key: str):
        self.search_client = AsyncTavilyClient(api_key=api_key)  # expect: FAN701

    async def evidence_for(self, claim: str) -> list[str]:
        found = await self.search_client.search(claim, max_results=3)
        return [hit["url"] for hit in found["results"]]

    async def check_all(self, claims: list[str]) -> list[list[str]]:
        return await asyncio.gather(*[self.evidence_for(c) for c in claims])
