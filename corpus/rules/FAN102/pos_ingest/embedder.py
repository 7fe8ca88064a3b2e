"""Embedding step of the ingestion pipeline."""
import asyncio

import openai

_client = openai.AsyncOpenAI()


async def embed_passage(passage: str) -> list[float]:
    gate = asyncio.Semaphore(4)  # expect: FAN102
    async with gate:
        resp = await _client.embeddings.create(model="text-embedding-3-small", input=passage)
    return resp.data[0].embedding
