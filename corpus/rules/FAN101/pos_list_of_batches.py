"""Batching that bounds nothing: the list of batches is built first, then every
batch is sent at once. Each batch is small; their number grows with the data."""
import asyncio

import httpx


class Embedder:
    def __init__(self):
        self.http = httpx.AsyncClient(base_url="http://embed.internal", timeout=10)

    async def embed_batch(self, batch: list[str]) -> list[list[float]]:
        resp = await self.http.post("/v1/embed", json=batch)
        return resp.json()

    async def embed_all(self, batches: list[list[str]]) -> list[list[list[float]]]:
        return await asyncio.gather(*[self.embed_batch(b) for b in batches])  # expect: FAN101


async def run(texts: list[str], size: int = 16) -> None:
    batches = [texts[i:i + size] for i in range(0, len(texts), size)]
    await Embedder().embed_all(batches)
