"""A project class with its own `abatch`: it bounds its work itself, and it is no model's batch."""
import asyncio

import httpx


class Scorer:
    def __init__(self) -> None:
        self.client = httpx.AsyncClient(timeout=30)
        self.sem = asyncio.Semaphore(4)

    async def score(self, text: str) -> float:
        async with self.sem:
            resp = await self.client.post("https://scores.example.com/v1", json={"text": text})
        return resp.json()["score"]

    async def abatch(self, texts: list[str]) -> list[float]:
        return await asyncio.gather(*[self.score(t) for t in texts])


async def score_corpus(scorer: Scorer, corpus: list[str]) -> list[float]:
    return await scorer.abatch(corpus)
