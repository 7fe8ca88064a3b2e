"""RAG ingestion: embed every chunk of a corpus in one gather."""
import asyncio
import logging

import openai

log = logging.getLogger(__name__)


class ChunkEmbedder:
    def __init__(self, model: str = "text-embedding-3-small"):
        self.model = model
        self.client = openai.AsyncOpenAI()

    async def embed(self, chunk: str) -> list[float]:
        resp = await self.client.embeddings.create(model=self.model, input=chunk)
        return resp.data[0].embedding

    async def embed_corpus(self, chunks: list[str]) -> list[tuple[str, list[float]]]:
        cleaned = [c.strip() for c in chunks if c.strip()]
        vectors = await asyncio.gather(*[self.embed(c) for c in cleaned])  # expect: FAN201
        log.info("embedded %d chunks", len(vectors))
        return list(zip(cleaned, vectors))
