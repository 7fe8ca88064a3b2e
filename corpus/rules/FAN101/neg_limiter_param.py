"""Embedding backfill: the caller hands each task a shared capacity limiter."""
import logging

import anyio
import openai

log = logging.getLogger(__name__)

client = openai.AsyncOpenAI()


async def embed_document(doc_id: str, text: str, limiter: anyio.CapacityLimiter, out: dict) -> None:
    async with limiter:
        resp = await client.embeddings.create(model="text-embedding-3-small", input=text)
    out[doc_id] = resp.data[0].embedding


async def backfill(documents: dict[str, str], concurrency: int = 16) -> dict[str, list[float]]:
    limiter = anyio.CapacityLimiter(concurrency)
    vectors: dict[str, list[float]] = {}
    async with anyio.create_task_group() as tg:
        for doc_id, text in documents.items():
            tg.start_soon(embed_document, doc_id, text, limiter, vectors)
    log.info("embedded %d documents", len(vectors))
    return vectors
