"""Knowledge-graph ingestion: the model extracts a few entities and the queries
to search for from one episode; what the pipeline fans out over is that reply,
reshaped (a comprehension, a de-duplicated copy), not input data."""
import asyncio

import httpx
from langchain_openai import ChatOpenAI
from pydantic import BaseModel


class Queries(BaseModel):
    queries: list[str]


class Researcher:
    def __init__(self):
        self.planner = ChatOpenAI(model="gpt-4o-mini").with_structured_output(Queries)
        self.http = httpx.AsyncClient(base_url="https://search.example.com")

    async def search(self, query: str) -> dict:
        resp = await self.http.get("/search", params={"q": query})
        return resp.json()

    async def research(self, topic: str) -> list[dict]:
        plan = await self.planner.ainvoke(f"Three search queries about {topic}")
        queries = [q.strip() for q in plan.queries]
        return await asyncio.gather(*[self.search(q) for q in queries])

    async def research_unique(self, topic: str) -> list[dict]:
        plan = await self.planner.ainvoke(f"Search queries about {topic}")
        seen: set[str] = set()
        unique: list[str] = []
        for q in plan.queries:
            if q not in seen:
                seen.add(q)
                unique.append(q)
        return await asyncio.gather(*[self.search(q) for q in unique])
