"""Web research agent: a planner proposes a handful of search queries."""
import asyncio
import json
import logging

import httpx
import openai

log = logging.getLogger(__name__)


class Researcher:
    def __init__(self):
        self.llm = openai.AsyncOpenAI()
        self.http = httpx.AsyncClient(base_url="https://search.example.com")

    async def plan(self, question: str) -> list[str]:
        completion = await self.llm.chat.completions.create(
            model="gpt-4o-mini",
            messages=[{"role": "user", "content": f"List 3 web search queries (JSON array) for: {question}"}],
        )
        return json.loads(completion.choices[0].message.content)

    async def search(self, query: str) -> list[dict]:
        resp = await self.http.get("/search", params={"q": query, "n": 5})
        return resp.json()["hits"]

    async def research(self, question: str) -> list[dict]:
        queries = await self.plan(question)
        results = await asyncio.gather(*[self.search(q) for q in queries])
        hits = [hit for batch in results for hit in batch]
        log.info("collected %d hits for %r", len(hits), question)
        return hits
