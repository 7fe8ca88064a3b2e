"""Vector index builder: chunks are embedded in fixed-size batches."""
import asyncio
import itertools
import logging

import openai

log = logging.getLogger(__name__)

client = openai.AsyncOpenAI()


async def embed_chunk(chunk: str) -> list[float]:
    resp = await client.embeddings.create(model="text-embedding-3-small", input=chunk)
    return resp.data[0].embedding


async def build_index(chunks: list[str], index) -> None:
    for batch in itertools.batched(chunks, 32):
        vectors = await asyncio.gather(*[embed_chunk(c) for c in batch])
        index.add(list(batch), vectors)
    log.info("indexed %d chunks", len(chunks))


async def build_index_sliced(chunks: list[str], index) -> None:
    for start in range(0, len(chunks), 64):
        window = chunks[start:start + 64]
        vectors = await asyncio.gather(*[embed_chunk(c) for c in window])
        index.add(window, vectors)
