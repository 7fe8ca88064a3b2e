"""Embedding job: a TaskGroup over every chunk, with no progress logging."""
import asyncio

from openai import AsyncOpenAI

client = AsyncOpenAI(timeout=30.0)
limit = asyncio.Semaphore(8)


async def embed_chunk(chunk: str) -> list[float]:
    async with limit:
        result = await client.embeddings.create(model="text-embedding-3-small", input=[chunk])
    return result.data[0].embedding


async def embed_document(chunks: list[str]) -> list[list[float]]:  # expect: FAN901
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(embed_chunk(c)) for c in chunks]
    return [t.result() for t in tasks]


async def embed_corpus(documents: dict[str, list[str]]) -> dict[str, list[list[float]]]:  # expect: FAN901
    names = list(documents)
    vectors = await asyncio.gather(*[embed_document(documents[n]) for n in names])
    return dict(zip(names, vectors))
